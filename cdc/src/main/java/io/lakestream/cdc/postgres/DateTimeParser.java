package io.lakestream.cdc.postgres;

import io.lakestream.core.error.RecordException;
import java.time.DateTimeException;
import java.time.LocalDate;

/**
 * A cursor over one date or timestamp as PostgreSQL prints it with {@code DateStyle=ISO}: {@code
 * YYYY-MM-DD[ HH:MM:SS[.ffffff][+HH[:MM[:SS]]]][ BC]}, the year 4 to 7 digits. Call the readers in
 * that order, then {@link #end()} and {@link #epochDay()}; each throws a RecordException naming the
 * whole text when the characters at its position are not what it reads. One instance per value;
 * {@link PgValues} is the public face.
 */
final class DateTimeParser {
  /** Microseconds per unit of a fraction with the index's number of digits. */
  private static final int[] FRACTION_SCALE = {0, 100_000, 10_000, 1_000, 100, 10, 1};

  private final String text;
  private final int typeOid;
  private final int len;
  private int pos;
  private int year;
  private int month;
  private int day;

  DateTimeParser(String text, int typeOid) {
    this.text = text;
    this.typeOid = typeOid;
    this.len = text.length();
  }

  /** Reads {@code YYYY-MM-DD} with 4 to 7 year digits. */
  void date() {
    int start = pos;
    year = 0;
    while (pos < len && isDigit(text.charAt(pos)) && pos - start < 7) {
      year = year * 10 + (text.charAt(pos++) - '0');
    }
    if (pos - start < 4) {
      throw fail();
    }
    expect('-');
    month = digits2();
    expect('-');
    day = digits2();
  }

  /** The day read, counting from 1970-01-01; call after {@link #era()}. */
  long epochDay() {
    try {
      return LocalDate.of(year, month, day).toEpochDay();
    } catch (DateTimeException e) {
      throw fail();
    }
  }

  /** Reads {@code HH:MM:SS[.f{1,6}]} and returns microseconds since midnight. */
  long time() {
    int hour = digits2();
    expect(':');
    int minute = digits2();
    expect(':');
    int second = digits2();
    if (hour > 23 || minute > 59 || second > 59) {
      throw fail();
    }
    long micros = (hour * 3600L + minute * 60L + second) * PgValues.MICROS_PER_SECOND;
    if (pos < len && text.charAt(pos) == '.') {
      pos++;
      int start = pos;
      int fraction = 0;
      while (pos < len && isDigit(text.charAt(pos))) {
        if (pos - start == 6) {
          throw fail();
        }
        fraction = fraction * 10 + (text.charAt(pos++) - '0');
      }
      int n = pos - start;
      if (n == 0) {
        throw fail();
      }
      micros += fraction * FRACTION_SCALE[n];
    }
    return micros;
  }

  /** Reads an optional {@code +HH[:MM[:SS]]} or {@code -HH...}; returns seconds east of UTC. */
  long offset() {
    if (pos >= len) {
      return 0;
    }
    char sign = text.charAt(pos);
    if (sign != '+' && sign != '-') {
      return 0;
    }
    pos++;
    long seconds = digits2() * 3600L;
    if (pos < len && text.charAt(pos) == ':') {
      pos++;
      seconds += digits2() * 60L;
      if (pos < len && text.charAt(pos) == ':') {
        pos++;
        seconds += digits2();
      }
    }
    return sign == '-' ? -seconds : seconds;
  }

  /** Reads an optional {@code " BC"}, making the year the proleptic year before 1 AD. */
  void era() {
    if (pos < len) {
      if (!text.startsWith(" BC", pos)) {
        throw fail();
      }
      pos += 3;
      year = 1 - year;
    }
  }

  void end() {
    if (pos != len) {
      throw fail();
    }
  }

  void expect(char c) {
    if (pos >= len || text.charAt(pos) != c) {
      throw fail();
    }
    pos++;
  }

  private int digits2() {
    if (pos + 2 > len) {
      throw fail();
    }
    char a = text.charAt(pos);
    char b = text.charAt(pos + 1);
    if (!isDigit(a) || !isDigit(b)) {
      throw fail();
    }
    pos += 2;
    return (a - '0') * 10 + (b - '0');
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private RecordException fail() {
    String expected =
        typeOid == PgTypes.DATE
            ? "YYYY-MM-DD (DateStyle ISO)"
            : "YYYY-MM-DD HH:MM:SS[.ffffff][+HH[:MM]] (DateStyle ISO)";
    return PgValues.invalid(text, typeOid, expected);
  }
}
