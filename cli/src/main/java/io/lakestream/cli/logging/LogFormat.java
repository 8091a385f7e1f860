package io.lakestream.cli.logging;

import java.util.Locale;

/** How log lines are written: for people, or one JSON object per line for log shippers. */
public enum LogFormat {
  /** {@code 2025-01-31 12:00:00.000 INFO [main] logger - message} */
  TEXT,
  /** logback's {@code JsonEncoder}: one JSON object per event and line. */
  JSON;

  /** The value of {@code LAKESTREAM_LOG_FORMAT} in {@code logback.xml} that selects this format. */
  String variableValue() {
    return name().toLowerCase(Locale.ROOT);
  }
}
