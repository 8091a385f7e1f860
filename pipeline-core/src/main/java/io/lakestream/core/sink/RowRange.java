package io.lakestream.core.sink;

import java.time.Instant;
import java.util.Objects;

/**
 * The rows of a table whose timestamp column lies in {@code [from, to)}: the part of a table a
 * backfill recomputes and replaces.
 *
 * @param column a timestamp column, e.g. {@code window_start} or the event-time column
 * @param from the first instant in the range
 * @param to the first instant after the range
 */
public record RowRange(String column, Instant from, Instant to) {
  public RowRange {
    Objects.requireNonNull(column, "column");
    if (!from.isBefore(to)) {
      throw new IllegalArgumentException("An empty range: " + from + " is not before " + to);
    }
  }

  /** Whether {@code time} lies in the range. */
  public boolean contains(Instant time) {
    return !time.isBefore(from) && time.isBefore(to);
  }

  @Override
  public String toString() {
    return column + " in [" + from + ", " + to + ")";
  }
}
