package io.lakestream.core.aggregate;

import io.lakestream.core.record.DataType;
import io.lakestream.core.record.Row;
import io.lakestream.core.state.ValueCodec;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * {@code min} or {@code max} of a column whose values are {@link Comparable}: numbers, decimals,
 * strings (compared as {@link String#compareTo} does), dates and timestamps.
 */
final class MinMaxAccumulator implements Accumulator {
  private final int position;
  private final DataType type;
  private final boolean max;
  private Object value;

  /**
   * @param max whether the result is the largest value rather than the smallest
   */
  MinMaxAccumulator(int position, DataType type, boolean max) {
    this.position = position;
    this.type = type;
    this.max = max;
  }

  static MinMaxAccumulator read(DataInput in, int position, DataType type, boolean max)
      throws IOException {
    MinMaxAccumulator accumulator = new MinMaxAccumulator(position, type, max);
    accumulator.value = ValueCodec.read(in, type);
    return accumulator;
  }

  @Override
  public void add(Row row, long eventTimeMicros) {
    Object candidate = row.get(position);
    if (candidate != null) {
      offer(candidate);
    }
  }

  @Override
  public void merge(Accumulator other) {
    Object candidate = ((MinMaxAccumulator) other).value;
    if (candidate != null) {
      offer(candidate);
    }
  }

  @Override
  public Object result() {
    return value;
  }

  @Override
  public void write(DataOutput out) throws IOException {
    ValueCodec.write(out, type, value);
  }

  @SuppressWarnings("unchecked")
  private void offer(Object candidate) {
    if (value == null) {
      value = candidate;
      return;
    }
    int order = ((Comparable<Object>) candidate).compareTo(value);
    if (max ? order > 0 : order < 0) {
      value = candidate;
    }
  }
}
