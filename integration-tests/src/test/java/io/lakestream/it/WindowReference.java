package io.lakestream.it;

import io.lakestream.it.SentEvent.Kind;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * The reference model of docs/stateful.md for a dedupe step followed by a window step, computed
 * from what the test produced and nothing of lakestream's: classify every record as on time or too
 * late ({@link WatermarkBounds}), keep the first record of every {@code event_id}, assign the
 * on-time ones to windows and aggregate each window and group.
 *
 * <p>A record whose classification the semantics leave open (it depends on how partitions
 * interleave) is a bug of the test's generator, and so is one classified differently from what the
 * generator meant it to be: both fail here, before any table is read.
 */
final class WindowReference {

  /**
   * What the tables must hold.
   *
   * @param rows the window table's rows: aggregate values by name, for every window and group
   * @param late the records the late-records table must hold, each once
   */
  record Expected(Map<WindowKey, Map<String, Object>> rows, List<SentEvent> late) {

    /** The rows of windows that end at or before {@code endMillis}. */
    Map<WindowKey, Map<String, Object>> endingBy(long endMillis) {
      Map<WindowKey, Map<String, Object>> subset = new TreeMap<>();
      rows.forEach(
          (key, row) -> {
            if (key.endMicros() <= endMillis * 1000) {
              subset.put(key, row);
            }
          });
      return subset;
    }
  }

  private WindowReference() {}

  static Expected compute(WindowPipeline spec, int topicPartitions, List<SentEvent> sent) {
    WatermarkBounds bounds =
        new WatermarkBounds(sent, topicPartitions, WindowPipeline.OUT_OF_ORDERNESS_MILLIS);
    Map<Long, Boolean> tooLateById = new HashMap<>();
    List<SentEvent> late = new ArrayList<>();
    List<OrderEvent> onTime = new ArrayList<>();
    Set<Long> seen = new HashSet<>();
    for (SentEvent s : sent) {
      boolean tooLate = tooLate(spec, bounds, s);
      Boolean earlier = tooLateById.putIfAbsent(s.event().eventId(), tooLate);
      if (earlier != null && earlier != tooLate) {
        throw new IllegalStateException(
            "Generator bug: copies of event " + s.event().eventId() + " are classified apart");
      }
      // dedupe comes first: only the first record of an id reaches the window step
      if (!seen.add(s.event().eventId())) {
        continue;
      }
      if (tooLate) {
        late.add(s);
      } else {
        onTime.add(s.event());
      }
    }
    Map<WindowKey, List<OrderEvent>> windows =
        spec.window() instanceof WindowDef.Session session
            ? sessions(session, onTime)
            : aligned((WindowDef.Aligned) spec.window(), onTime);
    Map<WindowKey, Map<String, Object>> rows = new TreeMap<>();
    windows.forEach((key, events) -> rows.put(key, aggregate(spec.aggregates(), events)));
    return new Expected(rows, late);
  }

  /**
   * Whether {@code s} is too late: the watermark has reached {@code window_end + allowed-lateness}
   * of every window it belongs to, for certain; it must otherwise be on time for certain, that is
   * for each of its windows. A duplicate must also still find its key in the dedupe state.
   */
  private static boolean tooLate(WindowPipeline spec, WatermarkBounds bounds, SentEvent s) {
    long t = s.event().eventTime();
    long lateness = spec.allowedLatenessMillis();
    long lower = bounds.lower(s.phase());
    long upper = bounds.upper(s);
    boolean certainlyTooLate =
        lower != Long.MIN_VALUE && lower >= spec.window().latestEnd(t) + lateness;
    boolean certainlyOnTime = upper < spec.window().earliestEnd(t) + lateness;
    if (certainlyTooLate == certainlyOnTime) {
      throw new IllegalStateException(
          String.format(
              "Generator bug: %s event %d at %d (%s, phase %d) is not certainly on time or too"
                  + " late: the watermark lies in [%d, %d], its windows end in [%d, %d],"
                  + " allowed lateness %d ms",
              s.kind(),
              s.event().eventId(),
              t,
              s.coordinates(),
              s.phase(),
              lower,
              upper,
              spec.window().earliestEnd(t),
              spec.window().latestEnd(t),
              lateness));
    }
    if (certainlyTooLate != (s.kind() == Kind.TOO_LATE)) {
      throw new IllegalStateException(
          "Generator bug: "
              + s.kind()
              + " event "
              + s.event().eventId()
              + " at "
              + s.coordinates()
              + " is "
              + (certainlyTooLate ? "too late" : "on time"));
    }
    if (upper >= t + WindowPipeline.DEDUPE_TTL_MILLIS) {
      throw new IllegalStateException(
          "Generator bug: dedupe may have forgotten event " + s.event().eventId());
    }
    return certainlyTooLate;
  }

  private static Map<WindowKey, List<OrderEvent>> aligned(
      WindowDef.Aligned window, List<OrderEvent> events) {
    Map<WindowKey, List<OrderEvent>> windows = new TreeMap<>();
    for (OrderEvent e : events) {
      for (long start : window.startsOf(e.eventTime())) {
        WindowKey key = WindowKey.ofMillis(start, start + window.sizeMillis(), e.category());
        windows.computeIfAbsent(key, k -> new ArrayList<>()).add(e);
      }
    }
    return windows;
  }

  /**
   * Sessions of one group are the unions of overlapping {@code [t, t + gap)}: sorted by time, an
   * event joins the current session when it starts before the session's end (half-open: an event
   * exactly at the end starts a new one).
   */
  private static Map<WindowKey, List<OrderEvent>> sessions(
      WindowDef.Session window, List<OrderEvent> events) {
    Map<String, List<OrderEvent>> byGroup = new TreeMap<>();
    for (OrderEvent e : events) {
      byGroup.computeIfAbsent(e.category(), g -> new ArrayList<>()).add(e);
    }
    Map<WindowKey, List<OrderEvent>> windows = new TreeMap<>();
    byGroup.forEach(
        (group, groupEvents) -> {
          groupEvents.sort(Comparator.comparingLong(OrderEvent::eventTime));
          List<OrderEvent> current = new ArrayList<>();
          long start = 0;
          long end = Long.MIN_VALUE;
          for (OrderEvent e : groupEvents) {
            if (e.eventTime() >= end && !current.isEmpty()) {
              windows.put(WindowKey.ofMillis(start, end, group), current);
              current = new ArrayList<>();
            }
            if (current.isEmpty()) {
              start = e.eventTime();
            }
            current.add(e);
            end = Math.max(end, e.eventTime() + window.gapMillis());
          }
          if (!current.isEmpty()) {
            windows.put(WindowKey.ofMillis(start, end, group), current);
          }
        });
    return windows;
  }

  private static Map<String, Object> aggregate(
      List<Aggregate> aggregates, List<OrderEvent> events) {
    Map<String, Object> row = new LinkedHashMap<>();
    for (Aggregate a : aggregates) {
      row.put(a.name(), aggregate(a, events));
    }
    return row;
  }

  /** One aggregate over the events of a window; nulls are ignored as in SQL. */
  private static Object aggregate(Aggregate a, List<OrderEvent> events) {
    if (a.function().equals("count") && a.column().equals("*")) {
      return (long) events.size();
    }
    List<OrderEvent> withValue = events.stream().filter(e -> e.column(a.column()) != null).toList();
    List<Object> values = withValue.stream().map(e -> e.column(a.column())).toList();
    switch (a.function()) {
      case "count":
        return (long) values.size();
      case "count_distinct":
      case "approx_count_distinct":
        return (long) new HashSet<>(values).size();
      case "sum":
        return values.isEmpty() ? null : sum(values);
      case "avg":
        if (values.isEmpty()) {
          return null;
        }
        BigDecimal total = new BigDecimal(sum(values).toString());
        return total
            .divide(BigDecimal.valueOf(values.size()), MathContext.DECIMAL128)
            .doubleValue();
      case "min":
        return extreme(values, false);
      case "max":
        return extreme(values, true);
      case "first":
      case "last":
        return firstOrLast(a, withValue);
      default:
        throw new IllegalArgumentException("The reference has no aggregate " + a.expression());
    }
  }

  private static Object sum(List<Object> values) {
    if (values.get(0) instanceof BigDecimal) {
      return values.stream().map(v -> (BigDecimal) v).reduce(BigDecimal.ZERO, BigDecimal::add);
    }
    return values.stream().mapToLong(v -> ((Number) v).longValue()).sum();
  }

  /** The smallest or largest value; BigDecimals compare by value, whatever their scale. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Object extreme(List<Object> values, boolean largest) {
    Comparable best = null;
    for (Object v : values) {
      Comparable c = (Comparable) v;
      if (best == null || (largest ? c.compareTo(best) > 0 : c.compareTo(best) < 0)) {
        best = c;
      }
    }
    return best;
  }

  /** The value of the event with the smallest (first) or largest (last) event time. */
  private static Object firstOrLast(Aggregate a, List<OrderEvent> withValue) {
    if (withValue.isEmpty()) {
      return null;
    }
    Comparator<OrderEvent> byTime = Comparator.comparingLong(OrderEvent::eventTime);
    List<OrderEvent> sorted = withValue.stream().sorted(byTime).toList();
    boolean first = a.function().equals("first");
    OrderEvent pick = first ? sorted.get(0) : sorted.get(sorted.size() - 1);
    OrderEvent next =
        sorted.size() < 2 ? null : first ? sorted.get(1) : sorted.get(sorted.size() - 2);
    if (next != null
        && next.eventTime() == pick.eventTime()
        && !Objects.equals(next.column(a.column()), pick.column(a.column()))) {
      throw new IllegalStateException(
          "Generator bug: " + a.expression() + " ties at event time " + pick.eventTime());
    }
    return pick.column(a.column());
  }
}
