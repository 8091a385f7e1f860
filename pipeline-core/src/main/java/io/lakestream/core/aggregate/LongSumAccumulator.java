package io.lakestream.core.aggregate;

import io.lakestream.core.record.Row;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * {@code sum} (a long) or {@code avg} (a double) of an int or long column. The sum is exact: one
 * that leaves the long range fails rather than wrapping around.
 */
final class LongSumAccumulator implements Accumulator {
  private final int position;
  private final boolean average;
  private final String call;
  private long count;
  private long sum;

  /**
   * @param average whether the result is the average rather than the sum
   * @param call the function as written, for the overflow message
   */
  LongSumAccumulator(int position, boolean average, String call) {
    this.position = position;
    this.average = average;
    this.call = call;
  }

  static LongSumAccumulator read(DataInput in, int position, boolean average, String call)
      throws IOException {
    LongSumAccumulator accumulator = new LongSumAccumulator(position, average, call);
    accumulator.count = in.readLong();
    accumulator.sum = in.readLong();
    return accumulator;
  }

  @Override
  public void add(Row row, long eventTimeMicros) {
    Object value = row.get(position);
    if (value != null) {
      sum = plus(sum, ((Number) value).longValue());
      count++;
    }
  }

  @Override
  public void merge(Accumulator other) {
    LongSumAccumulator that = (LongSumAccumulator) other;
    sum = plus(sum, that.sum);
    count += that.count;
  }

  @Override
  public Object result() {
    if (count == 0) {
      return null;
    }
    if (average) {
      return (double) sum / count;
    }
    return sum;
  }

  @Override
  public void write(DataOutput out) throws IOException {
    out.writeLong(count);
    out.writeLong(sum);
  }

  private long plus(long a, long b) {
    try {
      return Math.addExact(a, b);
    } catch (ArithmeticException e) {
      throw new ArithmeticException(
          call
              + " overflows the long range: "
              + a
              + " + "
              + b
              + "; cast the column to a decimal to sum larger values");
    }
  }
}
