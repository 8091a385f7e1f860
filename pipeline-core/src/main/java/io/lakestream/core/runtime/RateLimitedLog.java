package io.lakestream.core.runtime;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.event.Level;

/**
 * Logs lines of one kind (bad records, skipped tombstones) without flooding the log: at most {@link
 * #BURST} lines per {@link #WINDOW_NANOS}; the lines left out are counted, and one line says how
 * many at the end of the window, at the latest when {@link #flush} is called (every checkpoint and
 * at the end of a run), so no count is ever lost. Used by one task's thread only.
 */
final class RateLimitedLog {
  static final int BURST = 10;
  static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final Logger log;
  private final Level level;
  private final String what;
  private final LongSupplier nanoTime;
  private long windowStart = Long.MIN_VALUE;
  private int logged;
  private long leftOut;

  /**
   * @param what what a line is about, in the plural, for the summary line (e.g. {@code bad
   *     records})
   * @param nanoTime the pipeline's monotonic time
   */
  RateLimitedLog(Logger log, Level level, String what, LongSupplier nanoTime) {
    this.log = log;
    this.level = level;
    this.what = what;
    this.nanoTime = nanoTime;
  }

  /** Logs the line unless the burst of this window is used up, in which case it is counted. */
  void log(String format, Object... args) {
    long now = nanoTime.getAsLong();
    if (windowStart == Long.MIN_VALUE || now - windowStart >= WINDOW_NANOS) {
      flush();
      windowStart = now;
      logged = 0;
    }
    if (logged < BURST) {
      logged++;
      log.atLevel(level).log(format, args);
    } else {
      leftOut++;
    }
  }

  /** Says how many lines were left out since the last summary, if any. */
  void flush() {
    if (leftOut > 0) {
      log.atLevel(level)
          .log(
              "... and {} more {} not logged line by line (at most {} lines every {} s); the"
                  + " status line counts them all",
              leftOut,
              what,
              BURST,
              TimeUnit.NANOSECONDS.toSeconds(WINDOW_NANOS));
      leftOut = 0;
    }
  }
}
