package io.lakestream.it;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;

/** A row's key in a window table: {@code window_start}, {@code window_end} (micros) and group. */
record WindowKey(long startMicros, long endMicros, String group) implements Comparable<WindowKey> {
  private static final Comparator<WindowKey> ORDER =
      Comparator.comparingLong(WindowKey::startMicros)
          .thenComparingLong(WindowKey::endMicros)
          .thenComparing(WindowKey::group);

  static WindowKey ofMillis(long startMillis, long endMillis, String group) {
    return new WindowKey(startMillis * 1000, endMillis * 1000, group);
  }

  @Override
  public int compareTo(WindowKey other) {
    return ORDER.compare(this, other);
  }

  @Override
  public String toString() {
    return "["
        + Instant.EPOCH.plus(startMicros, ChronoUnit.MICROS)
        + ", "
        + Instant.EPOCH.plus(endMicros, ChronoUnit.MICROS)
        + ") "
        + group;
  }
}
