package io.lakestream.core.aggregate;

import io.lakestream.core.record.Row;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/** {@code sum} or {@code avg} of a float or double column, as a double. */
final class DoubleSumAccumulator implements Accumulator {
  private final int position;
  private final boolean average;
  private long count;
  private double sum;

  /**
   * @param average whether the result is the average rather than the sum
   */
  DoubleSumAccumulator(int position, boolean average) {
    this.position = position;
    this.average = average;
  }

  static DoubleSumAccumulator read(DataInput in, int position, boolean average) throws IOException {
    DoubleSumAccumulator accumulator = new DoubleSumAccumulator(position, average);
    accumulator.count = in.readLong();
    accumulator.sum = in.readDouble();
    return accumulator;
  }

  @Override
  public void add(Row row, long eventTimeMicros) {
    Object value = row.get(position);
    if (value != null) {
      sum += ((Number) value).doubleValue();
      count++;
    }
  }

  @Override
  public void merge(Accumulator other) {
    DoubleSumAccumulator that = (DoubleSumAccumulator) other;
    sum += that.sum;
    count += that.count;
  }

  @Override
  public Object result() {
    if (count == 0) {
      return null;
    }
    return average ? sum / count : sum;
  }

  @Override
  public void write(DataOutput out) throws IOException {
    out.writeLong(count);
    out.writeDouble(sum);
  }
}
