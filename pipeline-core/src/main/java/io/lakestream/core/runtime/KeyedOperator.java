package io.lakestream.core.runtime;

import io.lakestream.core.error.RecordException;

/**
 * A stateful step run by a keyed task on the keys it owns: dedupe or window. It keeps its state in
 * the task's {@link io.lakestream.core.state.StateStore} (it may cache in memory between {@link
 * #flush} calls) and emits through an {@link Emitter}. All calls come from the task's thread.
 */
interface KeyedOperator {

  /**
   * Processes one event; {@code watermark} is the task's current watermark.
   *
   * @throws io.lakestream.core.error.RecordException if the event is a bad record
   */
  void process(Event event, long watermark, Emitter out);

  /**
   * Processes {@code events[0..size)} in order, handing bad records to {@link Emitter#badRecord};
   * operators override it to batch their state reads.
   */
  default void processBatch(Event[] events, int size, long watermark, Emitter out) {
    for (int i = 0; i < size; i++) {
      try {
        process(events[i], watermark, out);
      } catch (RecordException e) {
        out.badRecord(events[i], e.getMessage());
      }
    }
  }

  /** The watermark has advanced to {@code watermark}: emit and expire what is due. */
  void advance(long watermark, Emitter out);

  /** Called regularly with the processing time, for time-driven output (early firing). */
  void tick(long nowNanos, Emitter out);

  /**
   * A checkpoint barrier: emit pending corrections, then write everything cached into the store so
   * that the store's snapshot holds the state after every event processed so far.
   */
  void flush(long watermark, Emitter out);

  /**
   * The input has ended (bounded run): emit every result the operator holds, keeping the state, so
   * that a later run over more input can still correct it.
   */
  void finish(long watermark, Emitter out);
}
