package io.lakestream.cdc.postgres;

import io.lakestream.core.error.RecordException;
import io.lakestream.core.record.DataType;
import io.lakestream.core.record.DataType.Primitive;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Parses PostgreSQL's text output for a value (what pgoutput sends in a {@code 't'} tuple column)
 * into the representation {@link DataType} documents.
 *
 * <p>Expects the output settings PgJDBC gives its connections: {@code DateStyle=ISO} and {@code
 * client_encoding=UTF8}. Timestamps with a zone may carry any session {@code TimeZone}: the offset
 * printed with each value ({@code +02}, {@code +05:30}, {@code +00:19:32}) is applied. Either
 * {@code bytea_output} (hex or escape) is read.
 *
 * <p>This is the per-value hot path of change capture, so the parsers are hand-written loops over
 * the characters: no regular expressions, no formatters, no substrings on the common paths.
 */
public final class PgValues {
  static final long MICROS_PER_SECOND = 1_000_000L;
  private static final long MICROS_PER_DAY = 86_400L * MICROS_PER_SECOND;
  private static final int MAX_FAST_DIGITS = 18;
  private static final long[] POWERS_OF_TEN = new long[MAX_FAST_DIGITS + 1];
  private static final int MAX_SHOWN = 64;

  static {
    POWERS_OF_TEN[0] = 1;
    for (int i = 1; i < POWERS_OF_TEN.length; i++) {
      POWERS_OF_TEN[i] = POWERS_OF_TEN[i - 1] * 10;
    }
  }

  private PgValues() {}

  /**
   * The value PostgreSQL printed as {@code text}, as an instance of {@code type}'s representation.
   *
   * <p>{@code type} decides the result; {@code typeOid} says how PostgreSQL formatted it when that
   * matters and names the type in messages. A {@link Primitive#STRING} gets {@code text} itself.
   * Timestamps without zone are read as UTC.
   *
   * @param text the text output, or {@code null} for SQL NULL (which gives {@code null})
   * @param typeOid the column's PostgreSQL type OID
   * @param type the column's lakestream type, usually {@link PgTypes#dataType}
   * @throws RecordException if the text is not a value of the type, or has no representation in it:
   *     {@code infinity} timestamps and dates, numeric {@code NaN} and infinities, a numeric with
   *     more digits than the decimal holds, a year past the range of a timestamp
   * @throws IllegalArgumentException if {@code type} is a struct or list, which PostgreSQL text
   *     values are never parsed into
   */
  public static Object parse(String text, int typeOid, DataType type) {
    if (text == null) {
      return null;
    }
    if (type instanceof Primitive p) {
      return switch (p) {
        case STRING -> text;
        case BOOLEAN -> parseBoolean(text, typeOid);
        case INT -> parseInt(text, typeOid);
        case LONG -> parseLong(text, typeOid);
        case FLOAT -> parseFloat(text, typeOid);
        case DOUBLE -> parseDouble(text, typeOid);
        case BINARY -> parseBytea(text);
        case DATE -> parseDate(text, typeOid);
        case TIMESTAMP -> parseTimestamp(text, typeOid);
      };
    }
    if (type instanceof DataType.Decimal d) {
      return parseDecimal(text, typeOid, d);
    }
    throw new IllegalArgumentException(
        "PostgreSQL " + PgTypes.typeName(typeOid) + " values cannot be read as " + type.name());
  }

  /** {@code t} or {@code f}. */
  public static Boolean parseBoolean(String text, int typeOid) {
    if (text.length() == 1) {
      char c = text.charAt(0);
      if (c == 't') {
        return Boolean.TRUE;
      }
      if (c == 'f') {
        return Boolean.FALSE;
      }
    }
    // the output function prints t and f; a cast to text (as a snapshot query reads) true and false
    if (text.equals("true")) {
      return Boolean.TRUE;
    }
    if (text.equals("false")) {
      return Boolean.FALSE;
    }
    throw invalid(text, typeOid, "a boolean (t, f, true or false)");
  }

  /** A 32-bit integer. */
  public static Integer parseInt(String text, int typeOid) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw invalid(text, typeOid, "a 32-bit integer");
    }
  }

  /** A 64-bit integer. */
  public static Long parseLong(String text, int typeOid) {
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw invalid(text, typeOid, "a 64-bit integer");
    }
  }

  /** A float; {@code NaN}, {@code Infinity} and {@code -Infinity} are kept. */
  public static Float parseFloat(String text, int typeOid) {
    try {
      return Float.parseFloat(text);
    } catch (NumberFormatException e) {
      throw invalid(text, typeOid, "a floating point number");
    }
  }

  /** A double; {@code NaN}, {@code Infinity} and {@code -Infinity} are kept. */
  public static Double parseDouble(String text, int typeOid) {
    try {
      return Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw invalid(text, typeOid, "a floating point number");
    }
  }

  /**
   * A decimal with exactly {@code type}'s scale. Digits beyond the scale are accepted only when
   * they are zeros: nothing is rounded.
   */
  public static BigDecimal parseDecimal(String text, int typeOid, DataType.Decimal type) {
    int len = text.length();
    int i = 0;
    boolean negative = false;
    if (len > 0 && (text.charAt(0) == '-' || text.charAt(0) == '+')) {
      negative = text.charAt(0) == '-';
      i = 1;
    }
    long unscaled = 0;
    int digits = 0;
    int fractionDigits = -1;
    for (; i < len; i++) {
      char c = text.charAt(i);
      if (c >= '0' && c <= '9') {
        if (++digits > MAX_FAST_DIGITS) {
          return parseBigDecimal(text, typeOid, type);
        }
        unscaled = unscaled * 10 + (c - '0');
        if (fractionDigits >= 0) {
          fractionDigits++;
        }
      } else if (c == '.' && fractionDigits < 0) {
        fractionDigits = 0;
      } else {
        // NaN, Infinity, an exponent: the exact path sorts them out
        return parseBigDecimal(text, typeOid, type);
      }
    }
    if (digits == 0) {
      throw invalid(text, typeOid, "a number");
    }
    int scale = Math.max(fractionDigits, 0);
    int target = type.scale();
    if (scale > target) {
      long divisor = POWERS_OF_TEN[scale - target];
      if (unscaled % divisor != 0) {
        throw tooManyDecimals(text, type);
      }
      unscaled /= divisor;
    } else if (scale < target) {
      if (digits + target - scale > MAX_FAST_DIGITS) {
        return parseBigDecimal(text, typeOid, type);
      }
      unscaled *= POWERS_OF_TEN[target - scale];
    }
    if (type.precision() < MAX_FAST_DIGITS && unscaled >= POWERS_OF_TEN[type.precision()]) {
      throw doesNotFit(text, type);
    }
    return BigDecimal.valueOf(negative ? -unscaled : unscaled, target);
  }

  private static BigDecimal parseBigDecimal(String text, int typeOid, DataType.Decimal type) {
    String unsigned = text.startsWith("-") || text.startsWith("+") ? text.substring(1) : text;
    if (unsigned.equals("NaN") || unsigned.equals("Infinity")) {
      throw new RecordException(
          "PostgreSQL "
              + PgTypes.typeName(typeOid)
              + " value "
              + text
              + " has no "
              + type.name()
              + " representation; replace it at the source or keep it out of the publication");
    }
    BigDecimal value;
    try {
      value = new BigDecimal(text);
    } catch (NumberFormatException e) {
      throw invalid(text, typeOid, "a number");
    }
    BigDecimal scaled;
    try {
      scaled = value.setScale(type.scale(), RoundingMode.UNNECESSARY);
    } catch (ArithmeticException e) {
      throw tooManyDecimals(text, type);
    }
    if (scaled.precision() > type.precision()) {
      throw doesNotFit(text, type);
    }
    return scaled;
  }

  private static RecordException tooManyDecimals(String text, DataType.Decimal type) {
    return new RecordException(
        "Numeric value "
            + shown(text)
            + " has more digits after the point than "
            + type.name()
            + " holds; it would have to be rounded");
  }

  private static RecordException doesNotFit(String text, DataType.Decimal type) {
    return new RecordException("Numeric value " + shown(text) + " does not fit " + type.name());
  }

  /**
   * A {@code bytea} in hex ({@code \x0102ff}) or escape ({@code \001\002\377}, {@code \\} for a
   * backslash) output format.
   */
  public static ByteBuffer parseBytea(String text) {
    int len = text.length();
    if (len >= 2 && text.charAt(0) == '\\' && text.charAt(1) == 'x') {
      if ((len & 1) != 0) {
        throw invalid(text, PgTypes.BYTEA, "hex digit pairs after \\x");
      }
      byte[] bytes = new byte[(len - 2) / 2];
      for (int i = 2, j = 0; i < len; i += 2, j++) {
        int hi = hexValue(text.charAt(i));
        int lo = hexValue(text.charAt(i + 1));
        if (hi < 0 || lo < 0) {
          throw invalid(text, PgTypes.BYTEA, "hex digit pairs after \\x");
        }
        bytes[j] = (byte) (hi << 4 | lo);
      }
      return ByteBuffer.wrap(bytes);
    }
    return parseEscapedBytea(text);
  }

  private static int hexValue(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  private static ByteBuffer parseEscapedBytea(String text) {
    int len = text.length();
    byte[] bytes = new byte[len];
    int n = 0;
    for (int i = 0; i < len; i++) {
      char c = text.charAt(i);
      if (c != '\\') {
        if (c > 0xff) {
          throw invalid(text, PgTypes.BYTEA, "bytes in hex or escape format");
        }
        bytes[n++] = (byte) c;
      } else if (i + 1 < len && text.charAt(i + 1) == '\\') {
        bytes[n++] = '\\';
        i++;
      } else if (i + 3 < len
          && isOctal(text.charAt(i + 1))
          && isOctal(text.charAt(i + 2))
          && isOctal(text.charAt(i + 3))) {
        int v =
            (text.charAt(i + 1) - '0') << 6
                | (text.charAt(i + 2) - '0') << 3
                | (text.charAt(i + 3) - '0');
        if (v > 0xff) {
          throw invalid(text, PgTypes.BYTEA, "bytes in hex or escape format");
        }
        bytes[n++] = (byte) v;
        i += 3;
      } else {
        throw invalid(text, PgTypes.BYTEA, "bytes in hex or escape format");
      }
    }
    return ByteBuffer.wrap(n == len ? bytes : Arrays.copyOf(bytes, n));
  }

  private static boolean isOctal(char c) {
    return c >= '0' && c <= '7';
  }

  /** A date {@code YYYY-MM-DD}, optionally followed by {@code BC}, as days since 1970-01-01. */
  public static Integer parseDate(String text, int typeOid) {
    rejectInfinity(text, typeOid, "date");
    DateTimeParser p = new DateTimeParser(text, typeOid);
    p.date();
    p.era();
    p.end();
    long epochDay = p.epochDay();
    if (epochDay < Integer.MIN_VALUE || epochDay > Integer.MAX_VALUE) {
      throw outOfRange(text, typeOid);
    }
    return (int) epochDay;
  }

  /**
   * A timestamp {@code YYYY-MM-DD HH:MM:SS[.ffffff][+HH[:MM[:SS]]][ BC]} as microseconds since the
   * Unix epoch, UTC. A printed zone offset is applied; without one the time is read as UTC.
   */
  public static Long parseTimestamp(String text, int typeOid) {
    rejectInfinity(text, typeOid, "timestamp");
    DateTimeParser p = new DateTimeParser(text, typeOid);
    p.date();
    p.expect(' ');
    long timeMicros = p.time();
    long offsetSeconds = p.offset();
    p.era();
    p.end();
    long epochDay = p.epochDay();
    try {
      long micros = Math.addExact(Math.multiplyExact(epochDay, MICROS_PER_DAY), timeMicros);
      return Math.subtractExact(micros, offsetSeconds * MICROS_PER_SECOND);
    } catch (ArithmeticException e) {
      throw outOfRange(text, typeOid);
    }
  }

  private static void rejectInfinity(String text, int typeOid, String target) {
    if (text.equals("infinity") || text.equals("-infinity")) {
      throw new RecordException(
          "PostgreSQL "
              + PgTypes.typeName(typeOid)
              + " '"
              + text
              + "' has no representation as a lakestream "
              + target
              + "; replace infinite values at the source or keep the column out of the publication");
    }
  }

  private static RecordException outOfRange(String text, int typeOid) {
    return new RecordException(
        "PostgreSQL " + PgTypes.typeName(typeOid) + " '" + text + "' is out of range");
  }

  static RecordException invalid(String text, int typeOid, String expected) {
    return new RecordException(
        "Not a PostgreSQL "
            + PgTypes.typeName(typeOid)
            + " value, expected "
            + expected
            + ": '"
            + shown(text)
            + "'");
  }

  private static String shown(String text) {
    return text.length() <= MAX_SHOWN ? text : text.substring(0, MAX_SHOWN) + "...";
  }
}
