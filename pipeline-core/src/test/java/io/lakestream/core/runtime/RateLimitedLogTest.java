package io.lakestream.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

class RateLimitedLogTest {
  private final RecordingLogger logger = new RecordingLogger();
  private final AtomicLong nanos = new AtomicLong();
  private final RateLimitedLog log =
      new RateLimitedLog(logger, Level.WARN, "bad records", nanos::get);

  @Test
  void logsABurstLineByLineAndCountsTheRestInOneLineWhenFlushed() {
    for (int i = 0; i < 25; i++) {
      log.log("bad record at t/0@{}", i);
    }

    assertThat(logger.lines).hasSize(RateLimitedLog.BURST);
    assertThat(logger.lines.get(0)).isEqualTo("WARN bad record at t/0@0");
    assertThat(logger.lines.get(9)).isEqualTo("WARN bad record at t/0@9");

    log.flush();

    assertThat(logger.lines)
        .last()
        .isEqualTo(
            "WARN ... and 15 more bad records not logged line by line (at most 10 lines every 10"
                + " s); the status line counts them all");
  }

  @Test
  void aNewWindowOnThePipelinesClockSummarizesTheLastOneAndStartsANewBurst() {
    for (int i = 0; i < 12; i++) {
      log.log("bad record at t/0@{}", i);
    }
    nanos.addAndGet(RateLimitedLog.WINDOW_NANOS - 1);
    log.log("bad record at t/0@12");
    assertThat(logger.lines).hasSize(RateLimitedLog.BURST);

    nanos.addAndGet(1);
    log.log("bad record at t/0@13");

    assertThat(logger.lines).hasSize(RateLimitedLog.BURST + 2);
    assertThat(logger.lines.get(RateLimitedLog.BURST))
        .startsWith("WARN ... and 3 more bad records");
    assertThat(logger.lines).last().isEqualTo("WARN bad record at t/0@13");
  }

  @Test
  void aFlushWithNothingLeftOutSaysNothing() {
    log.log("one");
    log.flush();
    log.flush();

    assertThat(logger.lines).containsExactly("WARN one");
  }

  /** Keeps every line it is given, formatted, with its level. */
  private static final class RecordingLogger extends LegacyAbstractLogger {
    final List<String> lines = new ArrayList<>();

    @Override
    protected String getFullyQualifiedCallerName() {
      return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(
        Level level, Marker marker, String format, Object[] args, Throwable t) {
      lines.add(level + " " + MessageFormatter.basicArrayFormat(format, args));
    }

    @Override
    public boolean isTraceEnabled() {
      return true;
    }

    @Override
    public boolean isDebugEnabled() {
      return true;
    }

    @Override
    public boolean isInfoEnabled() {
      return true;
    }

    @Override
    public boolean isWarnEnabled() {
      return true;
    }

    @Override
    public boolean isErrorEnabled() {
      return true;
    }
  }
}
