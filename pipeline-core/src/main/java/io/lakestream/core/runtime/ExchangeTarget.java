package io.lakestream.core.runtime;

import io.lakestream.core.error.RecordException;
import io.lakestream.core.record.Row;
import io.lakestream.core.source.SourceRecord;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A source task's way into the first keyed step: reads each row's event time, sends the row to the
 * task owning its key, and sends the source task's watermark, barriers and end of input after the
 * rows they follow.
 */
final class ExchangeTarget implements RecordProcessor.RowTarget {
  private final Exchange.Sender sender;
  private final KeyColumns key;
  private final int eventTimePosition;
  private final String eventTimeField;
  private final WatermarkTracker watermarks;
  private final Clock clock;
  private boolean ended;

  /**
   * @param eventTimePosition the event-time column in the rows, or -1 for processing time
   * @param watermarks the task's event-time progress, or null for processing time
   * @param clock the pipeline's clock, for processing time
   */
  ExchangeTarget(
      Exchange.Sender sender,
      KeyColumns key,
      int eventTimePosition,
      String eventTimeField,
      WatermarkTracker watermarks,
      Clock clock) {
    this.sender = sender;
    this.key = key;
    this.eventTimePosition = eventTimePosition;
    this.eventTimeField = eventTimeField;
    this.watermarks = watermarks;
    this.clock = clock;
  }

  @Override
  public void accept(Row row, SourceRecord record, int split) {
    long time;
    if (eventTimePosition >= 0) {
      Object value = row.get(eventTimePosition);
      if (value == null) {
        throw new RecordException("event-time column " + eventTimeField + " is null");
      }
      time = (Long) value;
      watermarks.observe(split, time);
    } else {
      time = TimeUnit.MILLISECONDS.toMicros(clock.millis());
    }
    sender.send(new Event(row, time, record), sender.owner(key.hash(row)));
  }

  /** The source task reads one more split, numbered after the ones before. */
  void addSplit(String splitId, long nowNanos) {
    if (watermarks != null) {
      watermarks.addSplit(splitId, nowNanos);
    }
  }

  /** After a poll batch: hands the batch's rows on, then the watermark if it moved. */
  void afterBatch(long nowNanos, boolean[] caughtUp, boolean[] finished) {
    Signal.Watermark w = watermarks == null ? null : watermarks.next(nowNanos, caughtUp, finished);
    if (w != null) {
      sender.broadcast(w);
    } else {
      sender.flush();
    }
  }

  /** Sends the barrier of checkpoint {@code id} after every row read before it. */
  void barrier(long id, Map<String, byte[]> state) {
    if (watermarks != null) {
      watermarks.snapshot(state);
    }
    sender.broadcast(new Signal.Barrier(id));
  }

  /** Tells the keyed tasks, once, that this source task has read all it will read. */
  void endOfInput() {
    if (!ended) {
      ended = true;
      sender.broadcast(new Signal.EndOfInput());
    }
  }
}
