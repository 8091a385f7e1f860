package io.lakestream.core.aggregate;

import io.lakestream.core.record.Row;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/** {@code count(*)} (every record) or {@code count(col)} (records whose column is not null). */
final class CountAccumulator implements Accumulator {
  /** The position that counts every record. */
  static final int ALL = -1;

  private final int position;
  private long count;

  /** Counts every record when {@code position} is {@link #ALL}, else non-null values at it. */
  CountAccumulator(int position) {
    this.position = position;
  }

  static CountAccumulator read(DataInput in, int position) throws IOException {
    CountAccumulator accumulator = new CountAccumulator(position);
    accumulator.count = in.readLong();
    return accumulator;
  }

  @Override
  public void add(Row row, long eventTimeMicros) {
    if (position == ALL || row.get(position) != null) {
      count++;
    }
  }

  @Override
  public void merge(Accumulator other) {
    count += ((CountAccumulator) other).count;
  }

  @Override
  public Object result() {
    return count;
  }

  @Override
  public void write(DataOutput out) throws IOException {
    out.writeLong(count);
  }
}
