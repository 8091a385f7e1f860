package io.lakestream.core.spec;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.Objects;

/**
 * A five-field cron expression ({@code minute hour day-of-month month day-of-week}), read in UTC.
 * Each field is {@code *}, a number, a range {@code a-b}, a step {@code * / n} or {@code a-b/n}, or
 * a comma-separated list of these; day-of-week runs from 0 (Sunday) to 7 (Sunday again). As in
 * Vixie cron, when both day fields are restricted a day matching either one matches.
 */
public final class CronSchedule {
  /** How far {@link #next} looks ahead before deciding the expression never fires (Feb 30). */
  private static final int MAX_YEARS = 5;

  private final String text;
  private final BitSet minutes;
  private final BitSet hours;
  private final BitSet daysOfMonth;
  private final BitSet months;
  private final BitSet daysOfWeek;
  private final boolean anyDayOfMonth;
  private final boolean anyDayOfWeek;

  private CronSchedule(String text, String[] fields) {
    this.text = text;
    this.minutes = field(fields[0], "minute", 0, 59);
    this.hours = field(fields[1], "hour", 0, 23);
    this.daysOfMonth = field(fields[2], "day of month", 1, 31);
    this.months = field(fields[3], "month", 1, 12);
    BitSet dow = field(fields[4], "day of week", 0, 7);
    if (dow.get(7)) {
      dow.set(0);
    }
    this.daysOfWeek = dow;
    this.anyDayOfMonth = fields[2].equals("*");
    this.anyDayOfWeek = fields[4].equals("*");
  }

  /**
   * Reads an expression.
   *
   * @throws IllegalArgumentException if it is not five valid fields; the message says which field
   *     is wrong and why
   */
  public static CronSchedule parse(String text) {
    Objects.requireNonNull(text, "text");
    String[] fields = text.trim().split("\\s+");
    if (fields.length != 5) {
      throw new IllegalArgumentException(
          "must have 5 fields, minute hour day-of-month month day-of-week, e.g. \"0 * * * *\"");
    }
    return new CronSchedule(text.trim(), fields);
  }

  /**
   * The first minute strictly after {@code after} that the expression matches.
   *
   * @throws IllegalStateException if it matches no minute in the next five years (e.g. February 30)
   */
  public Instant next(Instant after) {
    ZonedDateTime t = after.atZone(ZoneOffset.UTC).truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
    ZonedDateTime end = t.plusYears(MAX_YEARS);
    while (t.isBefore(end)) {
      if (!months.get(t.getMonthValue())) {
        t = t.withDayOfMonth(1).truncatedTo(ChronoUnit.DAYS).plusMonths(1);
      } else if (!dayMatches(t)) {
        t = t.truncatedTo(ChronoUnit.DAYS).plusDays(1);
      } else if (!hours.get(t.getHour())) {
        t = t.truncatedTo(ChronoUnit.HOURS).plusHours(1);
      } else if (!minutes.get(t.getMinute())) {
        t = t.plusMinutes(1);
      } else {
        return t.toInstant();
      }
    }
    throw new IllegalStateException("Cron expression \"" + text + "\" matches no time");
  }

  private boolean dayMatches(ZonedDateTime t) {
    boolean dom = daysOfMonth.get(t.getDayOfMonth());
    boolean dow = daysOfWeek.get(t.getDayOfWeek().getValue() % 7);
    if (anyDayOfMonth || anyDayOfWeek) {
      return dom && dow;
    }
    return dom || dow;
  }

  private static BitSet field(String field, String name, int min, int max) {
    BitSet set = new BitSet(max + 1);
    for (String part : field.split(",", -1)) {
      String range = part;
      int step = 1;
      int slash = part.indexOf('/');
      if (slash >= 0) {
        range = part.substring(0, slash);
        step = number(part.substring(slash + 1), name, 1, max);
      }
      int from;
      int to;
      if (range.equals("*")) {
        from = min;
        to = max;
      } else if (range.contains("-")) {
        String[] ends = range.split("-", 2);
        from = number(ends[0], name, min, max);
        to = number(ends[1], name, min, max);
        if (from > to) {
          throw new IllegalArgumentException(
              name + ": range " + range + " runs backwards; write the smaller number first");
        }
      } else {
        from = number(range, name, min, max);
        to = slash >= 0 ? max : from;
      }
      for (int v = from; v <= to; v += step) {
        set.set(v);
      }
    }
    return set;
  }

  private static int number(String text, String name, int min, int max) {
    try {
      int value = Integer.parseInt(text);
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        name
            + ": \""
            + text
            + "\" is not a number from "
            + min
            + " to "
            + max
            + " (use *, n, a-b, */n, a-b/n or lists of these)");
  }

  @Override
  public String toString() {
    return text;
  }
}
