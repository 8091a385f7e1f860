package io.lakestream.core.aggregate;

import io.lakestream.core.record.Row;
import java.io.DataOutput;
import java.io.IOException;

/**
 * The running state of one {@link AggregateFunction} over the records of one window and group.
 * Mutable and not thread-safe: it belongs to the task that owns the window.
 */
public interface Accumulator {

  /**
   * Adds one record.
   *
   * @param row the record, in the schema the function was parsed against
   * @param eventTimeMicros the record's event time, which {@code first} and {@code last} order by
   * @throws ArithmeticException if a sum leaves the range of its result type
   */
  void add(Row row, long eventTimeMicros);

  /**
   * Adds the records {@code other} has seen, as if they had been added after this accumulator's
   * own: on equal event times {@code first} keeps this accumulator's value and {@code last} takes
   * {@code other}'s. Used when session windows merge. {@code other} is left unchanged.
   *
   * @param other an accumulator of the same function
   * @throws ClassCastException if {@code other} belongs to a different kind of function
   * @throws ArithmeticException if a sum leaves the range of its result type
   */
  void merge(Accumulator other);

  /**
   * The aggregate of the records added so far, in the representation {@link
   * io.lakestream.core.record.DataType} documents for {@link AggregateFunction#resultType()}: null
   * when no non-null value was added, except for the counts, which are 0 then.
   *
   * @throws ArithmeticException if a decimal sum has more digits than its result type allows
   */
  Object result();

  /**
   * Writes the state so that {@link AggregateFunction#read} of the same function restores it. The
   * bytes are persisted in state stores: changing them needs a new state format version.
   *
   * @throws IOException if {@code out} fails
   */
  void write(DataOutput out) throws IOException;
}
