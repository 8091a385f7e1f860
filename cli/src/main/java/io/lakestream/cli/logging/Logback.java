package io.lakestream.cli.logging;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.joran.spi.JoranException;
import org.slf4j.LoggerFactory;

/**
 * Adjusts the logging that {@code logback.xml} set up: the format, the level of lakestream's own
 * loggers, quiet defaults for libraries. Every method does nothing when SLF4J is bound to something
 * other than logback (an application embedding lakestream decides its own logging).
 */
public final class Logback {
  /** The logger every lakestream class logs under. */
  public static final String LAKESTREAM = "io.lakestream";

  /** The variable in {@code logback.xml} choosing the console encoder. */
  static final String FORMAT_VARIABLE = "LAKESTREAM_LOG_FORMAT";

  private Logback() {}

  /**
   * Reloads the logging configuration (the same file logback read at start) with {@code format}.
   *
   * @throws IllegalStateException if the configuration cannot be read again
   */
  public static void useFormat(LogFormat format) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    context.reset();
    context.putProperty(FORMAT_VARIABLE, format.variableValue());
    try {
      new ContextInitializer(context).autoConfig();
    } catch (JoranException e) {
      throw new IllegalStateException("Cannot reload the logging configuration", e);
    }
  }

  /** Sets the level of lakestream's own loggers ({@value #LAKESTREAM}). */
  public static void setLakestreamLevel(LogLevel level) {
    Logger logger = logger(LAKESTREAM);
    if (logger != null) {
      logger.setLevel(level.logback());
    }
  }

  /**
   * Sets a logger's level unless the configuration already gave it one, so that a user's {@code
   * logback.xml} wins over this default.
   */
  public static void setLevelIfUnset(String name, LogLevel level) {
    Logger logger = logger(name);
    if (logger != null && logger.getLevel() == null) {
      logger.setLevel(level.logback());
    }
  }

  private static Logger logger(String name) {
    return LoggerFactory.getILoggerFactory() instanceof LoggerContext context
        ? context.getLogger(name)
        : null;
  }
}
