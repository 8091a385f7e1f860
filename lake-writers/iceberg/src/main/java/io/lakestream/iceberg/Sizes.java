package io.lakestream.iceberg;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses sizes such as {@code 64KB}, {@code 128MB} or {@code 1GB}; units are powers of 1024. */
final class Sizes {
  private static final Pattern SIZE =
      Pattern.compile("(\\d+)\\s*([KMGT]I?B|B)?", Pattern.CASE_INSENSITIVE);

  private Sizes() {}

  /**
   * The size in bytes.
   *
   * @param value a number of bytes, or a string such as {@code 128MB}
   * @throws IllegalArgumentException with a message fit for a spec problem
   */
  static long parse(Object value) {
    if (value instanceof Integer || value instanceof Long) {
      long bytes = ((Number) value).longValue();
      if (bytes <= 0) {
        throw new IllegalArgumentException("must be positive (given " + value + ")");
      }
      return bytes;
    }
    Matcher m = value instanceof String s ? SIZE.matcher(s.trim()) : null;
    if (m == null || !m.matches()) {
      throw new IllegalArgumentException(
          "cannot parse \"" + value + "\" as a size; use a number with a unit, e.g. 64KB, 128MB, 1GB");
    }
    String unit = m.group(2) == null ? "B" : m.group(2).toUpperCase(Locale.ROOT);
    int shift =
        switch (unit.charAt(0)) {
          case 'K' -> 10;
          case 'M' -> 20;
          case 'G' -> 30;
          case 'T' -> 40;
          default -> 0;
        };
    long number;
    try {
      number = Long.parseLong(m.group(1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("is too large (given \"" + value + "\")", e);
    }
    if (number <= 0) {
      throw new IllegalArgumentException("must be positive (given \"" + value + "\")");
    }
    if (number > (Long.MAX_VALUE >> shift)) {
      throw new IllegalArgumentException("is too large (given \"" + value + "\")");
    }
    return number << shift;
  }
}
