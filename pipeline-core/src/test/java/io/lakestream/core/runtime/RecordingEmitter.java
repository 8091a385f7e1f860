package io.lakestream.core.runtime;

import io.lakestream.core.record.Row;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An {@link Emitter} that records what a keyed operator emits. Result rows and retractions are
 * applied, in order, to an upsert table keyed by the first {@code keyColumns} columns, as the sink
 * applies them.
 */
final class RecordingEmitter implements Emitter {
  /** A record handed to {@link #badRecord}. */
  record Bad(Event event, String error) {}

  /** A record handed to {@link #late}. */
  record Late(Event event, String reason, long watermark) {}

  private final int keyColumns;
  final List<Event> emitted = new ArrayList<>();
  final Map<List<Object>, Row> table = new LinkedHashMap<>();
  final List<Late> late = new ArrayList<>();
  final List<Bad> bad = new ArrayList<>();
  int results;
  int retractions;

  /**
   * @param keyColumns how many leading columns of a result row are its key in the table
   */
  RecordingEmitter(int keyColumns) {
    this.keyColumns = keyColumns;
  }

  /** The key of {@code row} in the table. */
  List<Object> keyOf(Row row) {
    Object[] key = new Object[keyColumns];
    for (int i = 0; i < keyColumns; i++) {
      key[i] = row.get(i);
    }
    return Arrays.asList(key);
  }

  @Override
  public void emit(Row row, Event cause) {
    emitted.add(cause);
  }

  @Override
  public void emitResult(Row row) {
    results++;
    table.put(keyOf(row), row);
  }

  @Override
  public void retract(Row keyRow) {
    retractions++;
    table.remove(keyOf(keyRow));
  }

  @Override
  public void late(Event event, String reason, long watermark) {
    late.add(new Late(event, reason, watermark));
  }

  @Override
  public void badRecord(Event event, String error) {
    bad.add(new Bad(event, error));
  }
}
