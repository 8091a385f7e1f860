package io.lakestream.core.aggregate;

import io.lakestream.core.record.DataType;
import io.lakestream.core.record.Row;
import io.lakestream.core.state.ValueCodec;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;

/**
 * {@code count_distinct}: the exact number of distinct non-null values, by {@code equals}. Holds
 * every distinct value, so its size grows with the column's cardinality in the window.
 */
final class DistinctCountAccumulator implements Accumulator {
  private final int position;
  private final DataType type;
  private final Set<Object> values = new HashSet<>();

  DistinctCountAccumulator(int position, DataType type) {
    this.position = position;
    this.type = type;
  }

  static DistinctCountAccumulator read(DataInput in, int position, DataType type)
      throws IOException {
    DistinctCountAccumulator accumulator = new DistinctCountAccumulator(position, type);
    int size = in.readInt();
    if (size < 0) {
      throw new IOException("Corrupt count_distinct state: " + size + " values");
    }
    for (int i = 0; i < size; i++) {
      accumulator.values.add(ValueCodec.read(in, type));
    }
    return accumulator;
  }

  @Override
  public void add(Row row, long eventTimeMicros) {
    Object value = row.get(position);
    if (value != null) {
      values.add(value);
    }
  }

  @Override
  public void merge(Accumulator other) {
    values.addAll(((DistinctCountAccumulator) other).values);
  }

  @Override
  public Object result() {
    return (long) values.size();
  }

  @Override
  public void write(DataOutput out) throws IOException {
    out.writeInt(values.size());
    for (Object value : values) {
      ValueCodec.write(out, type, value);
    }
  }
}
