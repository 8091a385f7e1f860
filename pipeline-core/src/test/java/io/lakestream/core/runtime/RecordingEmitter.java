package io.lakestream.core.runtime;

import io.lakestream.core.error.RecordException;
import io.lakestream.core.record.Row;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * An {@link Emitter} that records what a keyed operator emits. Result rows and retractions are
 * applied, in order, to an upsert table keyed by the first {@code keyColumns} columns, as the sink
 * applies them.
 */
final class RecordingEmitter implements Emitter {
  /** A record handed to {@link #badRecord}. */
  record Bad(Event event, String error) {}

  /** A row handed to {@link #refused}. */
  record Refused(Row row, String origin, String stage, String error) {}

  /** A record handed to {@link #late}. */
  record Late(Event event, String reason, long watermark) {}

  private final int keyColumns;
  final List<Event> emitted = new ArrayList<>();
  final Map<List<Object>, Row> table = new LinkedHashMap<>();
  final List<Late> late = new ArrayList<>();
  final List<Bad> bad = new ArrayList<>();
  final List<Refused> refused = new ArrayList<>();

  /**
   * The rows the table refuses, as a sink's {@link RecordException}: none unless a test sets it.
   */
  Predicate<Row> refuses = row -> false;

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
    if (refuses.test(row)) {
      throw new RecordException("the table refuses " + row);
    }
    results++;
    table.put(keyOf(row), row);
  }

  @Override
  public void retract(Row keyRow) {
    if (refuses.test(keyRow)) {
      throw new RecordException("the table refuses to delete " + keyRow);
    }
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

  @Override
  public void refused(Row row, String origin, String stage, String error) {
    refused.add(new Refused(row, origin, stage, error));
  }
}
