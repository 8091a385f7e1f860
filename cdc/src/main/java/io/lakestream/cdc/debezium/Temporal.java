package io.lakestream.cdc.debezium;

import io.lakestream.core.spec.SchemaSpec.TimestampFormat;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;

/**
 * Timestamps and dates in the row representation: microseconds since the epoch (UTC) and days since
 * 1970-01-01.
 */
final class Temporal {
  private static final long MICROS_PER_DAY = 86_400_000_000L;

  private Temporal() {}

  /** What an integer timestamp counts since the epoch. */
  enum Unit {
    SECONDS,
    MILLIS,
    MICROS,
    NANOS,
    DAYS;

    /**
     * The value in microseconds; nanoseconds are truncated towards negative infinity.
     *
     * @throws ArithmeticException if the result does not fit a long
     */
    long toMicros(long value) {
      return switch (this) {
        case SECONDS -> Math.multiplyExact(value, 1_000_000L);
        case MILLIS -> Math.multiplyExact(value, 1_000L);
        case MICROS -> value;
        case NANOS -> Math.floorDiv(value, 1_000L);
        case DAYS -> Math.multiplyExact(value, MICROS_PER_DAY);
      };
    }

    /**
     * The unit a spec's timestamp format gives numbers. ISO-8601, the spec default, is about
     * strings; numbers are then Debezium's default for timestamps, microseconds.
     */
    static Unit of(TimestampFormat format) {
      if (format == null) {
        return MICROS;
      }
      return switch (format) {
        case EPOCH_SECONDS -> SECONDS;
        case EPOCH_MILLIS -> MILLIS;
        case EPOCH_MICROS, ISO_8601 -> MICROS;
      };
    }
  }

  /**
   * Parses an ISO-8601 date-time into microseconds since the epoch. With an offset ({@code Z},
   * {@code +02:00}) the instant is exact; without one the local date-time is taken as UTC, which is
   * how Debezium encodes columns without a time zone. Digits beyond microseconds are truncated.
   *
   * @throws DateTimeException if the text is not such a date-time
   */
  static long parseTimestamp(String text) {
    long fast = parseCommonTimestamp(text);
    if (fast != Long.MIN_VALUE) {
      return fast;
    }
    // rarer spellings: offsets without minutes, zone ids, years beyond 9999
    TemporalAccessor t =
        DateTimeFormatter.ISO_DATE_TIME.parseBest(
            text, ZonedDateTime::from, OffsetDateTime::from, LocalDateTime::from);
    Instant instant =
        t instanceof ZonedDateTime zdt
            ? zdt.toInstant()
            : t instanceof OffsetDateTime odt
                ? odt.toInstant()
                : ((LocalDateTime) t).toInstant(ZoneOffset.UTC);
    try {
      return Math.addExact(
          Math.multiplyExact(instant.getEpochSecond(), 1_000_000L),
          instant.get(ChronoField.MICRO_OF_SECOND));
    } catch (ArithmeticException e) {
      throw new DateTimeException("out of range: " + text);
    }
  }

  /**
   * Parses an ISO-8601 date, optionally followed by an offset as Debezium's {@code IsoDate} writes
   * it, into days since the epoch.
   *
   * @throws DateTimeException if the text is not such a date
   */
  static int parseDate(String text) {
    if (text.length() == 10 && text.charAt(4) == '-' && text.charAt(7) == '-') {
      int y = digits(text, 0, 4);
      int m = digits(text, 5, 2);
      int d = digits(text, 8, 2);
      if (y >= 0 && m >= 0 && d >= 0) {
        return (int) LocalDate.of(y, m, d).toEpochDay();
      }
    }
    return (int) LocalDate.from(DateTimeFormatter.ISO_DATE.parse(text)).toEpochDay();
  }

  /**
   * The common shape {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}][Z|±HH:mm|±HHmm]} (a space instead of the
   * {@code T} too) without the allocation and generality of {@link DateTimeFormatter}; {@code
   * Long.MIN_VALUE} for anything else.
   */
  private static long parseCommonTimestamp(String s) {
    int n = s.length();
    if (n < 19
        || s.charAt(4) != '-'
        || s.charAt(7) != '-'
        || (s.charAt(10) != 'T' && s.charAt(10) != ' ')
        || s.charAt(13) != ':'
        || s.charAt(16) != ':') {
      return Long.MIN_VALUE;
    }
    int year = digits(s, 0, 4);
    int month = digits(s, 5, 2);
    int day = digits(s, 8, 2);
    int hour = digits(s, 11, 2);
    int minute = digits(s, 14, 2);
    int second = digits(s, 17, 2);
    if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) {
      return Long.MIN_VALUE;
    }
    if (hour > 23 || minute > 59 || second > 59) {
      throw new DateTimeException("time of day out of range: " + s);
    }
    int i = 19;
    long micros = 0;
    if (i < n && s.charAt(i) == '.') {
      i++;
      int start = i;
      while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
        if (i - start < 6) {
          micros = micros * 10 + (s.charAt(i) - '0');
        }
        i++;
      }
      int count = i - start;
      if (count == 0 || count > 9) {
        return Long.MIN_VALUE;
      }
      for (int k = count; k < 6; k++) {
        micros *= 10;
      }
    }
    int offsetSeconds = 0;
    if (i < n) {
      char c = s.charAt(i);
      if (c == 'Z' && i + 1 == n) {
        offsetSeconds = 0;
      } else if (c == '+' || c == '-') {
        int oh;
        int om;
        if (n - i == 6 && s.charAt(i + 3) == ':') {
          oh = digits(s, i + 1, 2);
          om = digits(s, i + 4, 2);
        } else if (n - i == 5) {
          oh = digits(s, i + 1, 2);
          om = digits(s, i + 3, 2);
        } else {
          return Long.MIN_VALUE;
        }
        if (oh < 0 || om < 0 || oh > 18 || om > 59) {
          return Long.MIN_VALUE;
        }
        offsetSeconds = (c == '-' ? -1 : 1) * (oh * 3600 + om * 60);
      } else {
        return Long.MIN_VALUE;
      }
    }
    long epochDay = LocalDate.of(year, month, day).toEpochDay();
    long seconds = epochDay * 86_400L + hour * 3600L + minute * 60L + second - offsetSeconds;
    return seconds * 1_000_000L + micros;
  }

  /** The non-negative number written by {@code count} ASCII digits at {@code from}, or -1. */
  private static int digits(String s, int from, int count) {
    int value = 0;
    for (int i = from; i < from + count; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }
}
