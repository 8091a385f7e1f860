package io.lakestream.cli.logging;

import ch.qos.logback.classic.Level;

/** The levels a user may choose for lakestream's own loggers, most severe first. */
public enum LogLevel {
  ERROR(Level.ERROR),
  WARN(Level.WARN),
  INFO(Level.INFO),
  DEBUG(Level.DEBUG),
  TRACE(Level.TRACE);

  private final Level level;

  LogLevel(Level level) {
    this.level = level;
  }

  Level logback() {
    return level;
  }
}
