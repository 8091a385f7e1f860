package io.lakestream.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class StatusLineTest {
  private final AtomicLong nanos = new AtomicLong();
  private final PipelineMetrics metrics = new PipelineMetrics();

  /** Five splits: 1,100 records behind in all, one split not committed yet, one caught up. */
  private static final Map<String, StatusLine.SplitLag> SPLITS =
      Map.of(
          "t-0", new StatusLine.SplitLag(100, 500),
          "t-1", new StatusLine.SplitLag(-1, 300),
          "t-2", new StatusLine.SplitLag(7, 0),
          "t-3", new StatusLine.SplitLag(10, 200),
          "t-4", new StatusLine.SplitLag(5, 100));

  @Test
  void namesTheSplitsFurthestBehindAtTheirCommittedOffsets() {
    try (StatusLine line = statusLine(false)) {
      metrics.in.add(900);
      nanos.addAndGet(Duration.ofSeconds(1).toNanos());

      assertThat(line.line())
          .contains("| in 900 (900/s) |")
          .contains("| lag 1,100 (t-0 @100 +500, t-1 +300, t-3 @10 +200, 1 more) | checkpoint")
          .doesNotContain("ETA")
          .doesNotContain("%");
    }
  }

  @Test
  void aBoundedRunShowsTheShareItHasReadAndTheTimeLeft() {
    try (StatusLine line = statusLine(true)) {
      metrics.in.add(900);
      nanos.addAndGet(Duration.ofSeconds(2).toNanos());

      // 900 read, none committed: 1,100 - 900 = 200 left, 900 / 1,100 = 81%, 200 at 450/s ≈ 0 s
      int percent = 900 * 100 / 1_100;
      String bar = "#".repeat(percent * 20 / 100) + "-".repeat(20 - percent * 20 / 100);
      assertThat(line.line())
          .contains("| in 900 (450/s) |")
          .contains(
              "t-3 @10 +200, 1 more) | "
                  + percent
                  + "% ["
                  + bar
                  + "] ETA 1s | checkpoint none yet");
    }
  }

  @Test
  void aCaughtUpSourceShowsOnlyItsLag() {
    try (StatusLine line =
        new StatusLine(
            "p",
            metrics,
            options(false),
            0,
            () -> Map.of("t-0", new StatusLine.SplitLag(42, 0)),
            List.of())) {
      assertThat(line.line()).contains("| lag 0 | checkpoint none yet");
    }
  }

  @Test
  void aLagThatCannotBeKnownIsSaidSo() {
    try (StatusLine line =
        new StatusLine(
            "p",
            metrics,
            options(true),
            3,
            () -> {
              throw new IllegalStateException("brokers down");
            },
            List.of())) {
      assertThat(line.line()).contains("| lag unknown | checkpoint #3 (before this run)");
    }
  }

  private StatusLine statusLine(boolean bounded) {
    return new StatusLine("p", metrics, options(bounded), 0, () -> SPLITS, List.of());
  }

  private RunOptions options(boolean bounded) {
    return RunOptions.defaults()
        .withStopAtEnd(bounded)
        .withStatus(Duration.ZERO, new PrintStream(new ByteArrayOutputStream()))
        .withTime(Clock.fixed(Instant.EPOCH, ZoneOffset.UTC), nanos::get);
  }
}
