package io.lakestream.core.runtime;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * How one run of a pipeline behaves.
 *
 * @param stopAtEnd read each partition up to the end offset seen at start, commit, and stop
 * @param statusInterval time between status lines; zero for none
 * @param status where status lines go
 * @param phaseListener told at each commit-protocol boundary
 * @param clock the pipeline's clock
 */
public record RunOptions(
    boolean stopAtEnd,
    Duration statusInterval,
    PrintStream status,
    PhaseListener phaseListener,
    Clock clock) {
  public RunOptions {
    Objects.requireNonNull(statusInterval, "statusInterval");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(phaseListener, "phaseListener");
    Objects.requireNonNull(clock, "clock");
  }

  /** Unbounded, a status line every 10 s on standard error, the system clock. */
  public static RunOptions defaults() {
    return new RunOptions(
        false, Duration.ofSeconds(10), System.err, PhaseListener.NONE, Clock.systemUTC());
  }

  public RunOptions withStopAtEnd(boolean value) {
    return new RunOptions(value, statusInterval, status, phaseListener, clock);
  }

  public RunOptions withStatus(Duration interval, PrintStream out) {
    return new RunOptions(stopAtEnd, interval, out, phaseListener, clock);
  }

  public RunOptions withPhaseListener(PhaseListener listener) {
    return new RunOptions(stopAtEnd, statusInterval, status, listener, clock);
  }
}
