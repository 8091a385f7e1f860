package io.lakestream.core.runtime;

import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The periodic progress line of a running pipeline: records in and out with the current rate, bad
 * records, source lag behind the last commit, and the last checkpoint.
 */
final class StatusLine {
  private final String pipeline;
  private final PipelineMetrics metrics;
  private final RunOptions options;
  private final long intervalNanos;
  private long nextAt;
  private long lastIn;
  private long lastAt = System.nanoTime();
  private long lastCheckpointId = -1;
  private long lastCheckpointAt;
  private final long recoveredCheckpointId;

  /**
   * @param recoveredCheckpointId the checkpoint the run resumed after, or 0 for a new pipeline
   */
  StatusLine(
      String pipeline, PipelineMetrics metrics, RunOptions options, long recoveredCheckpointId) {
    this.pipeline = pipeline;
    this.metrics = metrics;
    this.options = options;
    this.intervalNanos = options.statusInterval().toNanos();
    this.nextAt = lastAt + intervalNanos;
    this.recoveredCheckpointId = recoveredCheckpointId;
  }

  void checkpointCommitted(long id) {
    lastCheckpointId = id;
    lastCheckpointAt = System.nanoTime();
  }

  void maybePrint(LongSupplier lag) {
    long now = System.nanoTime();
    if (intervalNanos <= 0 || now < nextAt) {
      return;
    }
    PipelineMetrics.Snapshot m = metrics.snapshot();
    double seconds = (now - lastAt) / 1e9;
    long rate = Math.round((m.in() - lastIn) / Math.max(seconds, 1e-3));
    String lagText;
    try {
      lagText = fmt(lag.getAsLong());
    } catch (RuntimeException e) {
      lagText = "unknown";
    }
    String checkpoint =
        lastCheckpointId < 0
            ? (recoveredCheckpointId > 0
                ? "#" + recoveredCheckpointId + " (before this run)"
                : "none yet")
            : "#"
                + lastCheckpointId
                + ", "
                + TimeUnit.NANOSECONDS.toSeconds(now - lastCheckpointAt)
                + "s ago";
    options
        .status()
        .printf(
            Locale.ROOT,
            "%s | in %s (%s/s) | %s | lag %s | checkpoint %s%n",
            pipeline,
            fmt(m.in()),
            fmt(rate),
            counters(m),
            lagText,
            checkpoint);
    lastIn = m.in();
    lastAt = now;
    nextAt = now + intervalNanos;
  }

  void finished(RunResult r) {
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
    return b.toString();
  }

  private static String fmt(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }
}
