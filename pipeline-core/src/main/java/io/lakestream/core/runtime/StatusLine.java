package io.lakestream.core.runtime;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The periodic progress line of a running pipeline: records in and out with the current rate, bad
 * records, source lag behind the last commit, the last checkpoint and its age, and what the
 * pipeline is waiting for when it is stalled (a checkpoint step, an unreachable broker). A bounded
 * run's lag is what it has left to read, so its line also estimates the time left at the current
 * rate.
 *
 * <p>The line is printed by a thread of its own, so it keeps its cadence while the pipeline's main
 * thread waits on a slow commit or an outage. {@link #close} stops that thread.
 */
final class StatusLine implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StatusLine.class);

  private final String pipeline;
  private final PipelineMetrics metrics;
  private final RunOptions options;
  private final long intervalNanos;
  private final LongSupplier lag;
  private final List<Supplier<String>> stalls;
  private final Thread thread;
  private long lastIn;
  private long lastAt;
  private volatile long lastCheckpointId = -1;
  private volatile long lastCheckpointMillis;

  /** Records read when the last checkpoint committed: roughly those its positions cover. */
  private volatile long inAtCommit;

  private final long recoveredCheckpointId;

  /**
   * Starts printing a line every {@code options.statusInterval()} (never when it is zero).
   *
   * @param recoveredCheckpointId the checkpoint the run resumed after, or 0 for a new pipeline
   * @param lag the records the sources hold beyond the last commit; may block briefly, and may
   *     throw when it cannot be known
   * @param stalls each says what the pipeline waits for and since how long, or null when it does
   *     not wait on that
   */
  StatusLine(
      String pipeline,
      PipelineMetrics metrics,
      RunOptions options,
      long recoveredCheckpointId,
      LongSupplier lag,
      List<Supplier<String>> stalls) {
    this.pipeline = pipeline;
    this.metrics = metrics;
    this.options = options;
    this.intervalNanos = options.statusInterval().toNanos();
    this.lastAt = options.nanoTime().getAsLong();
    this.recoveredCheckpointId = recoveredCheckpointId;
    this.lag = lag;
    this.stalls = List.copyOf(stalls);
    this.thread = new Thread(this::printEveryInterval, "lakestream-status");
    thread.setDaemon(true);
    if (intervalNanos > 0) {
      thread.start();
    }
  }

  /**
   * Checkpoint {@code id} is committed; it holds what the sources had read when it was started, at
   * {@code startedMillis} of the pipeline's clock, so its age counts from then.
   */
  void checkpointCommitted(long id, long startedMillis) {
    lastCheckpointMillis = startedMillis;
    lastCheckpointId = id;
    inAtCommit = metrics.snapshot().in();
  }

  private void printEveryInterval() {
    try {
      while (!Thread.currentThread().isInterrupted()) {
        TimeUnit.NANOSECONDS.sleep(intervalNanos);
        print();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.warn("The status line stopped: {}", e.toString());
    }
  }

  private void print() {
    long now = options.nanoTime().getAsLong();
    PipelineMetrics.Snapshot m = metrics.snapshot();
    double seconds = (now - lastAt) / 1e9;
    long rate = Math.round((m.in() - lastIn) / Math.max(seconds, 1e-3));
    String lagText;
    try {
      long records = lag.getAsLong();
      // the lag counts from the last commit; what was read since is done but for its commit
      long unread = Math.max(0, records - (m.in() - inAtCommit));
      lagText = fmt(records) + (options.stopAtEnd() ? eta(unread, rate) : "");
    } catch (RuntimeException e) {
      lagText = "unknown";
    }
    long id = lastCheckpointId;
    String checkpoint =
        id < 0
            ? (recoveredCheckpointId > 0
                ? "#" + recoveredCheckpointId + " (before this run)"
                : "none yet")
            : "#"
                + id
                + ", "
                + TimeUnit.MILLISECONDS.toSeconds(options.clock().millis() - lastCheckpointMillis)
                + "s ago";
    StringBuilder waiting = new StringBuilder();
    for (Supplier<String> stall : stalls) {
      String what = stall.get();
      if (what != null) {
        waiting.append(" | ").append(what);
      }
    }
    options
        .status()
        .printf(
            Locale.ROOT,
            "%s | in %s (%s/s) | %s | lag %s | checkpoint %s%s%n",
            pipeline,
            fmt(m.in()),
            fmt(rate),
            counters(m),
            lagText,
            checkpoint,
            waiting);
    lastIn = m.in();
    lastAt = now;
  }

  @Override
  public void close() {
    thread.interrupt();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops the periodic line, then prints the run's last one. */
  void finished(RunResult r) {
    close(); // no periodic line may follow the last one
    PipelineMetrics.Snapshot m = r.metrics();
    double seconds = r.elapsed().toMillis() / 1000.0;
    options
        .status()
        .printf(
            Locale.ROOT,
            "%s | finished in %.1f s | in %s (%s/s) | %s | %d checkpoints committed, last #%d%n",
            pipeline,
            seconds,
            fmt(m.in()),
            fmt(Math.round(m.in() / Math.max(seconds, 1e-3))),
            counters(m),
            r.checkpoints(),
            r.lastCheckpointId());
  }

  /** The output counters; those of stateful steps only when they counted something. */
  private static String counters(PipelineMetrics.Snapshot m) {
    StringBuilder b =
        new StringBuilder()
            .append("out ")
            .append(fmt(m.out()))
            .append(" | filtered ")
            .append(fmt(m.filtered()))
            .append(" | dead-lettered ")
            .append(fmt(m.deadLettered()))
            .append(" | skipped ")
            .append(fmt(m.skipped()));
    if (m.duplicates() > 0) {
      b.append(" | duplicates ").append(fmt(m.duplicates()));
    }
    if (m.deleted() > 0) {
      b.append(" | deleted ").append(fmt(m.deleted()));
    }
    if (m.late() > 0) {
      b.append(" | late ").append(fmt(m.late()));
    }
    if (m.tombstones() > 0) {
      b.append(" | tombstones ").append(fmt(m.tombstones()));
    }
    if (m.alreadyCommitted() > 0) {
      b.append(" | already committed ").append(fmt(m.alreadyCommitted()));
    }
    return b.toString();
  }

  /**
   * {@code ", ETA 2m05s"} for {@code records} left to read at {@code rate} per second, or nothing.
   */
  private static String eta(long records, long rate) {
    if (records == 0 || rate == 0) {
      return "";
    }
    long seconds = Math.max(1, records / rate);
    String left =
        seconds < 60
            ? seconds + "s"
            : seconds < 3600
                ? String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60)
                : String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, seconds / 60 % 60);
    return ", ETA " + left;
  }

  private static String fmt(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }
}
