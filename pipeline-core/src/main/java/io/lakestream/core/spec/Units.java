package io.lakestream.core.spec;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses and formats the durations and byte sizes that specs and sink options are written in.
 *
 * <ul>
 *   <li>Durations: a whole number and a unit, {@code 500ms}, {@code 10s}, {@code 5m}, {@code 1h},
 *       {@code 1d}; or an ISO-8601 duration such as {@code PT10S}.
 *   <li>Byte sizes: a whole number of bytes ({@code 1048576}) or a whole number and a unit, {@code
 *       B}, {@code KB}, {@code MB}, {@code GB}, {@code TB}. Units are powers of 1024 ({@code 1KB =
 *       1024 bytes}), as in Iceberg's and Parquet's file-size settings; {@code KiB}, {@code MiB},
 *       {@code GiB}, {@code TiB} are accepted as synonyms.
 * </ul>
 *
 * Units are case-insensitive and may be separated from the number by spaces. Negative values are
 * rejected.
 */
public final class Units {
  private static final Pattern DURATION =
      Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)", Pattern.CASE_INSENSITIVE);
  private static final Pattern BYTE_SIZE =
      Pattern.compile("(\\d+)\\s*(b|kb|mb|gb|tb|kib|mib|gib|tib)?", Pattern.CASE_INSENSITIVE);

  /** How a duration is written; used in messages. */
  public static final String DURATION_SYNTAX = "500ms, 10s, 5m, 1h, 1d or PT10S";

  /** How a byte size is written; used in messages. */
  public static final String BYTE_SIZE_SYNTAX = "1048576, 64KB, 128MB or 1GB";

  private Units() {}

  /**
   * Parses a duration such as {@code 500ms}, {@code 10s}, {@code 5m}, {@code 1h}, {@code 1d} or
   * {@code PT10S}.
   *
   * @throws IllegalArgumentException if the text is not a duration in one of these forms, is
   *     negative, or is too long to represent
   */
  public static Duration parseDuration(String text) {
    String s = text.strip();
    if (s.startsWith("P") || s.startsWith("p")) {
      Duration iso;
      try {
        iso = Duration.parse(s);
      } catch (DateTimeParseException e) {
        throw notA("duration", text, DURATION_SYNTAX);
      }
      if (iso.isNegative()) {
        throw new IllegalArgumentException("Duration must not be negative: \"" + text + "\"");
      }
      return iso;
    }
    Matcher m = DURATION.matcher(s);
    if (!m.matches()) {
      throw notA("duration", text, DURATION_SYNTAX);
    }
    try {
      long amount = Long.parseLong(m.group(1));
      return switch (m.group(2).toLowerCase(Locale.ROOT)) {
        case "ms" -> Duration.ofMillis(amount);
        case "s" -> Duration.ofSeconds(amount);
        case "m" -> Duration.ofMinutes(amount);
        case "h" -> Duration.ofHours(amount);
        default -> Duration.ofDays(amount);
      };
    } catch (ArithmeticException | NumberFormatException e) {
      throw new IllegalArgumentException("Duration is too long: \"" + text + "\"");
    }
  }

  /**
   * Writes a duration in the largest unit that represents it exactly, e.g. {@code 10s}, {@code
   * 500ms}, {@code 5m}; a duration with a sub-millisecond part is written in ISO-8601.
   */
  public static String formatDuration(Duration duration) {
    if (duration.isNegative() || duration.getNano() % 1_000_000 != 0) {
      return duration.toString();
    }
    long millis = duration.toMillis();
    if (millis == 0) {
      return "0s";
    }
    long[] sizes = {86_400_000L, 3_600_000L, 60_000L, 1_000L, 1L};
    String[] units = {"d", "h", "m", "s", "ms"};
    for (int i = 0; i < sizes.length; i++) {
      if (millis % sizes[i] == 0) {
        return millis / sizes[i] + units[i];
      }
    }
    throw new AssertionError("unreachable: every millisecond count is a multiple of 1ms");
  }

  /**
   * Writes a measured duration for people: {@code 850ms} under a second, {@code 2.5s} (tenths,
   * rounded down) under a minute, then whole units from days down to seconds with the zero ones at
   * the end left out, e.g. {@code 1m30s}, {@code 2h}, {@code 1h0m5s}, {@code 3d4h}. Not meant to be
   * parsed back; {@link #formatDuration} is.
   */
  public static String formatElapsed(Duration duration) {
    if (duration.isNegative()) {
      return "-" + formatElapsed(duration.negated());
    }
    long millis = duration.toMillis();
    if (millis < 1_000) {
      return millis + "ms";
    }
    if (millis < 60_000) {
      long tenths = millis / 100;
      return tenths % 10 == 0 ? tenths / 10 + "s" : tenths / 10 + "." + tenths % 10 + "s";
    }
    long[] amounts = {
      duration.toDaysPart(),
      duration.toHoursPart(),
      duration.toMinutesPart(),
      duration.toSecondsPart()
    };
    String[] units = {"d", "h", "m", "s"};
    int first = 0;
    while (amounts[first] == 0) {
      first++;
    }
    int last = amounts.length - 1;
    while (amounts[last] == 0) {
      last--;
    }
    StringBuilder out = new StringBuilder();
    for (int i = first; i <= last; i++) {
      out.append(amounts[i]).append(units[i]);
    }
    return out.toString();
  }

  /**
   * Parses a byte size such as {@code 1048576}, {@code 64KB}, {@code 128MB} or {@code 1GB}; units
   * are powers of 1024.
   *
   * @throws IllegalArgumentException if the text is not a byte size in one of these forms or does
   *     not fit in a {@code long}
   */
  public static long parseByteSize(String text) {
    Matcher m = BYTE_SIZE.matcher(text.strip());
    if (!m.matches()) {
      throw notA("byte size", text, BYTE_SIZE_SYNTAX);
    }
    String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
    int shift =
        switch (unit.charAt(0)) {
          case 'k' -> 10;
          case 'm' -> 20;
          case 'g' -> 30;
          case 't' -> 40;
          default -> 0;
        };
    try {
      long amount = Long.parseLong(m.group(1));
      return Math.multiplyExact(amount, 1L << shift);
    } catch (ArithmeticException | NumberFormatException e) {
      throw new IllegalArgumentException("Byte size is too large: \"" + text + "\"");
    }
  }

  /** Writes a byte size in the largest unit that represents it exactly, e.g. {@code 128MB}. */
  public static String formatByteSize(long bytes) {
    if (bytes <= 0) {
      return Long.toString(bytes);
    }
    String[] units = {"TB", "GB", "MB", "KB"};
    int[] shifts = {40, 30, 20, 10};
    for (int i = 0; i < units.length; i++) {
      if (bytes % (1L << shifts[i]) == 0) {
        return (bytes >> shifts[i]) + units[i];
      }
    }
    return Long.toString(bytes);
  }

  private static IllegalArgumentException notA(String what, String text, String syntax) {
    return new IllegalArgumentException(
        "Not a " + what + ": \"" + text + "\" (write it like " + syntax + ")");
  }
}
