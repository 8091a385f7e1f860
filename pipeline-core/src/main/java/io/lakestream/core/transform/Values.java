package io.lakestream.core.transform;

import io.lakestream.core.error.RecordException;
import io.lakestream.core.record.DataType;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;

/**
 * Converts a value to a declared type's representation (see {@link DataType}), as casts and
 * computed columns need. Numbers narrow only when they fit; decimals round half-up to their scale
 * and must fit their precision; strings parse as the target type.
 */
final class Values {
  private Values() {}

  static Object convert(Object value, DataType type) {
    if (value == null) {
      return null;
    }
    if (type instanceof DataType.Decimal d) {
      BigDecimal v = toDecimal(value).setScale(d.scale(), RoundingMode.HALF_UP);
      if (v.precision() > d.precision()) {
        throw new RecordException(value + " does not fit " + d.name());
      }
      return v;
    }
    if (!(type instanceof DataType.Primitive p)) {
      if (value instanceof io.lakestream.core.record.Row || value instanceof java.util.List) {
        return value;
      }
      throw new RecordException("cannot convert " + describe(value) + " to " + type.name());
    }
    try {
      return switch (p) {
        case BOOLEAN -> value instanceof Boolean b ? b : Boolean.valueOf(parseBoolean(value));
        case INT -> Math.toIntExact(toLong(value));
        case LONG -> toLong(value);
        case FLOAT ->
            value instanceof Number n ? n.floatValue() : Float.parseFloat(value.toString());
        case DOUBLE ->
            value instanceof Number n ? n.doubleValue() : Double.parseDouble(value.toString());
        case STRING -> value.toString();
        case BINARY -> {
          if (value instanceof java.nio.ByteBuffer) {
            yield value;
          }
          throw new RecordException("cannot convert " + describe(value) + " to binary");
        }
        case DATE ->
            value instanceof Number n
                ? Math.toIntExact(n.longValue())
                : (int) LocalDate.parse(value.toString()).toEpochDay();
        case TIMESTAMP -> {
          if (value instanceof Number n) {
            yield n.longValue();
          }
          Instant i = Instant.parse(value.toString());
          yield Math.addExact(
              Math.multiplyExact(i.getEpochSecond(), 1_000_000L), i.getNano() / 1000);
        }
      };
    } catch (ArithmeticException | java.time.DateTimeException | NumberFormatException e) {
      throw new RecordException("cannot convert " + describe(value) + " to " + type.name());
    }
  }

  private static boolean parseBoolean(Object value) {
    String s = value.toString();
    if (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false")) {
      return Boolean.parseBoolean(s);
    }
    throw new RecordException("cannot convert " + describe(value) + " to boolean");
  }

  private static long toLong(Object value) {
    if (value instanceof Long l) {
      return l;
    }
    if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    if (value instanceof BigDecimal || value instanceof Double || value instanceof Float) {
      return toDecimal(value).setScale(0, RoundingMode.UNNECESSARY).longValueExact();
    }
    if (value instanceof java.math.BigInteger b) {
      return b.longValueExact();
    }
    return Long.parseLong(value.toString().trim());
  }

  private static BigDecimal toDecimal(Object value) {
    if (value instanceof BigDecimal d) {
      return d;
    }
    if (value instanceof Double || value instanceof Float) {
      return BigDecimal.valueOf(((Number) value).doubleValue());
    }
    if (value instanceof Number n) {
      return BigDecimal.valueOf(n.longValue());
    }
    try {
      return new BigDecimal(value.toString().trim());
    } catch (NumberFormatException e) {
      throw new RecordException("cannot convert " + describe(value) + " to a decimal");
    }
  }

  private static String describe(Object value) {
    String s = String.valueOf(value);
    if (s.length() > 40) {
      s = s.substring(0, 40) + "...";
    }
    return value instanceof String ? "\"" + s + "\"" : s;
  }
}
