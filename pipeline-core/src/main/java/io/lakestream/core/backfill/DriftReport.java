package io.lakestream.core.backfill;

import io.lakestream.core.sink.RowRange;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;

/**
 * How a recomputed range differs from what the main line holds for it: the real-time result against
 * the replayed one. Rows are matched by the table's key (a window's bounds and groups); without a
 * key, as whole rows.
 *
 * @param range the compared range
 * @param mainRows rows of the main line in the range
 * @param branchRows recomputed rows in the range
 * @param onlyMain rows (keys) only the main line has
 * @param onlyBranch rows (keys) only the recomputed result has
 * @param changed keys both have, with different values
 * @param largest the largest numeric differences, largest first
 */
public record DriftReport(
    RowRange range,
    long mainRows,
    long branchRows,
    long onlyMain,
    long onlyBranch,
    long changed,
    List<Delta> largest) {

  /** How many of the largest differences a report keeps. */
  public static final int LARGEST = 10;

  /**
   * One numeric difference of one key.
   *
   * @param key the key's columns and values
   * @param column the column that differs
   * @param main the main line's value, null when it lacks the key
   * @param branch the recomputed value, null when it lacks the key
   * @param delta recomputed minus main, a missing side counting as 0
   */
  public record Delta(
      Map<String, Object> key, String column, Number main, Number branch, double delta) {}

  /** Whether the recomputed range equals the main line's. */
  public boolean unchanged() {
    return onlyMain == 0 && onlyBranch == 0 && changed == 0;
  }

  /**
   * A comparison of one range's rows, keyed by {@code key} (empty: whole rows, repeats counted),
   * fed row by row: every main-line row first, then the recomputed ones. It holds the main line's
   * rows of the range (indexed by key) and the largest differences, never the recomputed rows, so a
   * range costs the memory of one side.
   */
  public static final class Comparison {
    private final RowRange range;
    private final List<String> key;
    private final Map<Object, List<Map<String, Object>>> byKey = new HashMap<>();
    private final PriorityQueue<Delta> largest =
        new PriorityQueue<>(Comparator.comparingDouble((Delta d) -> Math.abs(d.delta())));
    private long mainRows;
    private long branchRows;
    private long onlyBranch;
    private long changed;

    public Comparison(RowRange range, List<String> key) {
      this.range = range;
      this.key = List.copyOf(key);
    }

    /** A row the main line holds in the range; all of them come before the recomputed ones. */
    public void main(Map<String, Object> row) {
      mainRows++;
      byKey.computeIfAbsent(keyOf(key, row), k -> new ArrayList<>(1)).add(row);
    }

    /** A recomputed row of the range. */
    public void branch(Map<String, Object> row) {
      branchRows++;
      List<Map<String, Object>> matches = byKey.get(keyOf(key, row));
      if (matches == null || matches.isEmpty()) {
        onlyBranch++;
        addDeltas(null, row);
        return;
      }
      Map<String, Object> other = matches.remove(matches.size() - 1);
      if (!same(other, row)) {
        changed++;
        addDeltas(other, row);
      }
    }

    /** The report; main-line rows no recomputed row matched count as only live. */
    public DriftReport report() {
      long onlyMain = 0;
      for (List<Map<String, Object>> rest : byKey.values()) {
        for (Map<String, Object> row : rest) {
          onlyMain++;
          addDeltas(row, null);
        }
      }
      List<Delta> deltas = new ArrayList<>(largest);
      deltas.sort(Comparator.comparingDouble((Delta d) -> -Math.abs(d.delta())));
      return new DriftReport(
          range, mainRows, branchRows, onlyMain, onlyBranch, changed, List.copyOf(deltas));
    }

    /** The numeric columns outside the key where the two rows differ; a null row lacks the key. */
    private void addDeltas(Map<String, Object> main, Map<String, Object> branch) {
      Map<String, Object> present = main != null ? main : branch;
      for (String column : present.keySet()) {
        if (key.contains(column)) {
          continue;
        }
        Number m = main == null ? null : number(main.get(column));
        Number b = branch == null ? null : number(branch.get(column));
        if ((m != null || b != null) && !close(m, b)) {
          double delta = value(b) - value(m);
          if (delta != 0
              && (largest.size() < LARGEST || Math.abs(delta) > Math.abs(largest.peek().delta()))) {
            Map<String, Object> keyValues = new LinkedHashMap<>();
            key.forEach(c -> keyValues.put(c, present.get(c)));
            largest.add(new Delta(keyValues, column, m, b, delta));
            if (largest.size() > LARGEST) {
              largest.poll();
            }
          }
        }
      }
    }
  }

  /** Whether two rows with the same key hold the same values; see {@link #close}. */
  private static boolean same(Map<String, Object> a, Map<String, Object> b) {
    if (!a.keySet().equals(b.keySet())) {
      return false;
    }
    for (Map.Entry<String, Object> e : a.entrySet()) {
      Object other = b.get(e.getKey());
      if (!Objects.equals(e.getValue(), other)
          && !(e.getValue() instanceof Number m && other instanceof Number n && close(m, n))) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether two values are equal, floating-point ones within rounding: a sum of doubles depends on
   * the order it adds them in, which differs between a live run and a replay, so differences below
   * one part in 10^9 are not drift.
   */
  private static boolean close(Number m, Number b) {
    if (Objects.equals(m, b)) {
      return true;
    }
    if (!(m instanceof Double || m instanceof Float)
        || !(b instanceof Double || b instanceof Float)) {
      return false;
    }
    double x = m.doubleValue();
    double y = b.doubleValue();
    return Math.abs(x - y) <= 1e-9 * Math.max(Math.abs(x), Math.abs(y));
  }

  private static Object keyOf(List<String> key, Map<String, Object> row) {
    if (key.isEmpty()) {
      return row;
    }
    List<Object> values = new ArrayList<>(key.size());
    key.forEach(c -> values.add(row.get(c)));
    return values;
  }

  private static Number number(Object value) {
    return value instanceof Number n ? n : null;
  }

  private static double value(Number n) {
    if (n == null) {
      return 0;
    }
    return n instanceof BigDecimal d ? d.doubleValue() : n.doubleValue();
  }
}
