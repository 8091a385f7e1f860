package io.lakestream.core.runtime;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The periodic progress line of a running pipeline: records in and out with the current rate, bad
 * records, source lag behind the last commit with the committed offsets of the splits furthest
 * behind, the last checkpoint and its age, and what the pipeline is waiting for when it is stalled
 * (a checkpoint step, an unreachable broker). A bounded run's lag is what it has left to read, so
 * its line also shows how much of the run is done and estimates the time left at the current rate.
 *
 * <p>The line is printed by a thread of its own, so it keeps its cadence while the pipeline's main
 * thread waits on a slow commit or an outage. {@link #close} stops that thread.
 */
final class StatusLine implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StatusLine.class);

  /** How many splits the line names; the rest are counted. */
  private static final int SPLITS_SHOWN = 3;

  private static final int BAR_WIDTH = 20;

  /**
   * Where one split stands: {@code position} is its committed position (the next offset to read
   * after the last commit), or -1 before its first commit; {@code lag} the records it holds beyond
   * it.
   */
  record SplitLag(long position, long lag) {}

  private final String pipeline;
  private final PipelineMetrics metrics;
  private final RunOptions options;
  private final long intervalNanos;
  private final Supplier<Map<String, SplitLag>> lag;
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
   * @param lag where each split stands against the last commit, by split id; may block briefly, and
   *     may throw when it cannot be known
   * @param stalls each says what the pipeline waits for and since how long, or null when it does
   *     not wait on that
   */
  StatusLine(
      String pipeline,
      PipelineMetrics metrics,
      RunOptions options,
      long recoveredCheckpointId,
      Supplier<Map<String, SplitLag>> lag,
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
    options.status().println(line());
  }

  /** The line for now; each call starts the next interval of the rate. */
  String line() {
    long now = options.nanoTime().getAsLong();
    PipelineMetrics.Snapshot m = metrics.snapshot();
    double seconds = (now - lastAt) / 1e9;
    long rate = Math.round((m.in() - lastIn) / Math.max(seconds, 1e-3));
    String lagText;
    try {
      Map<String, SplitLag> splits = lag.get();
      long records = splits.values().stream().mapToLong(SplitLag::lag).sum();
      lagText = fmt(records) + furthestBehind(splits);
      if (options.stopAtEnd()) {
        // the lag counts from the last commit; what was read since is done but for its commit
        long unread = Math.max(0, records - (m.in() - inAtCommit));
        lagText += done(m.in(), unread) + eta(unread, rate);
      }
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
    lastIn = m.in();
    lastAt = now;
    return String.format(
        Locale.ROOT,
        "%s | in %s (%s/s) | %s | lag %s | checkpoint %s%s",
        pipeline,
        fmt(m.in()),
        fmt(rate),
        counters(m),
        lagText,
        checkpoint,
        waiting);
  }

  /**
   * {@code " (orders-1 @40,000 +1,200, orders-0 @39,700 +300, 2 more)"}: the splits with the most
   * records left, each at its committed offset (none before its first commit), or nothing when no
   * split is behind.
   */
  private static String furthestBehind(Map<String, SplitLag> splits) {
    List<Map.Entry<String, SplitLag>> behind =
        splits.entrySet().stream()
            .filter(e -> e.getValue().lag() > 0)
            .sorted(
                Comparator.comparingLong((Map.Entry<String, SplitLag> e) -> e.getValue().lag())
                    .reversed()
                    .thenComparing(Map.Entry::getKey))
            .toList();
    if (behind.isEmpty()) {
      return "";
    }
    StringBuilder b = new StringBuilder(" (");
    for (Map.Entry<String, SplitLag> e : behind.subList(0, Math.min(SPLITS_SHOWN, behind.size()))) {
      if (b.length() > 2) {
        b.append(", ");
      }
      b.append(e.getKey());
      if (e.getValue().position() >= 0) {
        b.append(" @").append(fmt(e.getValue().position()));
      }
      b.append(" +").append(fmt(e.getValue().lag()));
    }
    if (behind.size() > SPLITS_SHOWN) {
      b.append(", ").append(behind.size() - SPLITS_SHOWN).append(" more");
    }
    return b.append(')').toString();
  }

  /** {@code " | 62% [############--------]"}: the share of this run's records read so far. */
  private static String done(long read, long unread) {
    long total = read + unread;
    int percent = total == 0 ? 100 : (int) (100 * read / total);
    int filled = percent * BAR_WIDTH / 100;
    return " | " + percent + "% [" + "#".repeat(filled) + "-".repeat(BAR_WIDTH - filled) + "]";
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
   * {@code " ETA 2m05s"} for {@code records} left to read at {@code rate} per second, or nothing.
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
    return " ETA " + left;
  }

  private static String fmt(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }
}
