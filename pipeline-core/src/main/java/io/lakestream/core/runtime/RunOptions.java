package io.lakestream.core.runtime;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * How one run of a pipeline behaves.
 *
 * @param stopAtEnd read each split up to its end as it is at start, commit, and stop
 * @param statusInterval time between status lines; zero for none
 * @param status where status lines go
 * @param phaseListener told at each commit-protocol boundary
 * @param clock the pipeline's wall clock: processing time, timestamps in tables and log lines
 * @param nanoTime the pipeline's monotonic time in nanoseconds, as {@link System#nanoTime()}: the
 *     checkpoint interval, idle timeouts, early firing and status intervals are measured with it
 * @param branch the branch every table is committed to (a backfill's), or null for the main line
 */
public record RunOptions(
    boolean stopAtEnd,
    Duration statusInterval,
    PrintStream status,
    PhaseListener phaseListener,
    Clock clock,
    LongSupplier nanoTime,
    String branch) {
  public RunOptions {
    Objects.requireNonNull(statusInterval, "statusInterval");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(phaseListener, "phaseListener");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(nanoTime, "nanoTime");
  }

  /** Unbounded, a status line every 10 s on standard error, the system's clocks. */
  public static RunOptions defaults() {
    return new RunOptions(
        false,
        Duration.ofSeconds(10),
        System.err,
        PhaseListener.NONE,
        Clock.systemUTC(),
        System::nanoTime,
        null);
  }

  public RunOptions withStopAtEnd(boolean value) {
    return new RunOptions(value, statusInterval, status, phaseListener, clock, nanoTime, branch);
  }

  public RunOptions withStatus(Duration interval, PrintStream out) {
    return new RunOptions(stopAtEnd, interval, out, phaseListener, clock, nanoTime, branch);
  }

  public RunOptions withPhaseListener(PhaseListener listener) {
    return new RunOptions(stopAtEnd, statusInterval, status, listener, clock, nanoTime, branch);
  }

  /** These options with other clocks, e.g. ones a test moves by hand. */
  public RunOptions withTime(Clock wallClock, LongSupplier monotonicNanos) {
    return new RunOptions(
        stopAtEnd, statusInterval, status, phaseListener, wallClock, monotonicNanos, branch);
  }

  /**
   * These options committing every table to branch {@code name} instead of its main line (only for
   * a sink that {@link io.lakestream.core.sink.SupportsBranches supports branches}).
   */
  public RunOptions withBranch(String name) {
    return new RunOptions(stopAtEnd, statusInterval, status, phaseListener, clock, nanoTime, name);
  }
}
