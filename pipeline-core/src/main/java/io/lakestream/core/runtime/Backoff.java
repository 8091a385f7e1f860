package io.lakestream.core.runtime;

import io.lakestream.core.error.Failures;
import io.lakestream.core.error.PipelineException;
import io.lakestream.core.error.RetriableException;
import io.lakestream.core.spec.Units;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tries a step again while it fails with a {@link RetriableException}: after 1 s, then twice as
 * long each time up to 30 s, for at most {@code limit} in all. Any other failure, or the limit,
 * ends it. The first retry of a step is logged as a warning, its success after retries once more,
 * and every failed attempt, with its stack trace, at DEBUG.
 */
final class Backoff {
  private static final Logger LOG = LoggerFactory.getLogger(Backoff.class);

  private final Clock clock;
  private final Duration limit;
  private final Duration first;
  private final Duration longest;

  Backoff(Clock clock, Duration limit) {
    this(clock, limit, Duration.ofSeconds(1), Duration.ofSeconds(30));
  }

  /** With other waits, e.g. short ones in a test. */
  Backoff(Clock clock, Duration limit, Duration first, Duration longest) {
    this.clock = clock;
    this.limit = limit;
    this.first = first;
    this.longest = longest;
  }

  /**
   * Runs {@code step} until it succeeds.
   *
   * @param what the step, for messages: e.g. {@code commit checkpoint 7 to lake.orders}
   * @param waiting told what is being waited for before each retry (for the status line)
   * @throws PipelineException when the step fails for good, or has failed for longer than the limit
   */
  <T> T run(String what, Supplier<T> step, Consumer<String> waiting) throws InterruptedException {
    long start = clock.millis();
    Duration wait = first;
    for (int attempt = 1; ; attempt++) {
      try {
        T result = step.get();
        if (attempt > 1) {
          LOG.info(
              "Could {} after {} attempts ({})",
              what,
              attempt,
              Units.formatElapsed(Duration.ofMillis(clock.millis() - start)));
        }
        return result;
      } catch (RetriableException e) {
        LOG.debug("Attempt {} to {} failed", attempt, what, e);
        Duration elapsed = Duration.ofMillis(clock.millis() - start);
        if (elapsed.plus(wait).compareTo(limit) > 0) {
          throw Failures.failure(
              "Could not "
                  + what
                  + " for "
                  + Units.formatElapsed(elapsed)
                  + " ("
                  + attempt
                  + " attempts; checkpoint.retry-timeout is "
                  + Units.formatDuration(limit)
                  + ")",
              e);
        }
        if (attempt == 1) {
          LOG.warn(
              "Could not {}: {}. Trying again for up to {}",
              what,
              Failures.describe(e),
              Units.formatDuration(limit));
        }
        waiting.accept(
            "retrying to "
                + what
                + " (attempt "
                + (attempt + 1)
                + ", "
                + Failures.describe(e)
                + ")");
        Thread.sleep(wait.toMillis());
        wait = wait.multipliedBy(2).compareTo(longest) > 0 ? longest : wait.multipliedBy(2);
      }
    }
  }
}
