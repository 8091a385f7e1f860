package io.lakestream.core.aggregate;

import io.lakestream.core.record.DataType;
import io.lakestream.core.record.Row;
import io.lakestream.core.state.ValueCodec;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * {@code first} or {@code last}: the non-null value with the earliest or latest event time. On
 * equal times {@code first} keeps the value added earlier and {@code last} takes the one added
 * later.
 */
final class FirstLastAccumulator implements Accumulator {
  private final int position;
  private final DataType type;
  private final boolean last;
  private Object value;
  private long eventTimeMicros;

  /**
   * @param last whether the latest value wins rather than the earliest
   */
  FirstLastAccumulator(int position, DataType type, boolean last) {
    this.position = position;
    this.type = type;
    this.last = last;
  }

  static FirstLastAccumulator read(DataInput in, int position, DataType type, boolean last)
      throws IOException {
    FirstLastAccumulator accumulator = new FirstLastAccumulator(position, type, last);
    accumulator.value = ValueCodec.read(in, type);
    accumulator.eventTimeMicros = in.readLong();
    return accumulator;
  }

  @Override
  public void add(Row row, long eventTimeMicros) {
    Object candidate = row.get(position);
    if (candidate != null) {
      offer(candidate, eventTimeMicros);
    }
  }

  @Override
  public void merge(Accumulator other) {
    FirstLastAccumulator that = (FirstLastAccumulator) other;
    if (that.value != null) {
      offer(that.value, that.eventTimeMicros);
    }
  }

  @Override
  public Object result() {
    return value;
  }

  @Override
  public void write(DataOutput out) throws IOException {
    ValueCodec.write(out, type, value);
    out.writeLong(eventTimeMicros);
  }

  private void offer(Object candidate, long candidateTime) {
    boolean wins =
        value == null
            || (last ? candidateTime >= eventTimeMicros : candidateTime < eventTimeMicros);
    if (wins) {
      value = candidate;
      eventTimeMicros = candidateTime;
    }
  }
}
