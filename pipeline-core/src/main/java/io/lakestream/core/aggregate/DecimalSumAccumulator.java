package io.lakestream.core.aggregate;

import io.lakestream.core.record.DataType;
import io.lakestream.core.record.Row;
import io.lakestream.core.state.ValueCodec;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;

/** {@code sum} (a decimal of the column's scale) or {@code avg} (a double) of a decimal column. */
final class DecimalSumAccumulator implements Accumulator {
  private final int position;
  private final DataType.Decimal sumType;
  private final boolean average;
  private final String call;
  private long count;
  private BigDecimal sum = BigDecimal.ZERO;

  /**
   * @param sumType the type of the sum: precision 38, the column's scale
   * @param average whether the result is the average rather than the sum
   * @param call the function as written, for the overflow message
   */
  DecimalSumAccumulator(int position, DataType.Decimal sumType, boolean average, String call) {
    this.position = position;
    this.sumType = sumType;
    this.average = average;
    this.call = call;
  }

  static DecimalSumAccumulator read(
      DataInput in, int position, DataType.Decimal sumType, boolean average, String call)
      throws IOException {
    DecimalSumAccumulator accumulator = new DecimalSumAccumulator(position, sumType, average, call);
    accumulator.count = in.readLong();
    accumulator.sum = (BigDecimal) ValueCodec.read(in, sumType);
    return accumulator;
  }

  @Override
  public void add(Row row, long eventTimeMicros) {
    Object value = row.get(position);
    if (value != null) {
      sum = sum.add((BigDecimal) value);
      count++;
    }
  }

  @Override
  public void merge(Accumulator other) {
    DecimalSumAccumulator that = (DecimalSumAccumulator) other;
    sum = sum.add(that.sum);
    count += that.count;
  }

  @Override
  public Object result() {
    if (count == 0) {
      return null;
    }
    if (average) {
      return sum.divide(BigDecimal.valueOf(count), MathContext.DECIMAL128).doubleValue();
    }
    // checked here rather than per record: precision() counts digits, which is not free
    if (sum.precision() - sum.scale() > sumType.precision() - sumType.scale()) {
      throw new ArithmeticException(
          call + " = " + sum.toPlainString() + " has more digits than " + sumType + " allows");
    }
    return sum;
  }

  @Override
  public void write(DataOutput out) throws IOException {
    out.writeLong(count);
    ValueCodec.write(out, sumType, sum);
  }
}
