package io.lakestream.core.runtime;

import io.lakestream.core.decode.ChangeDecoder;
import io.lakestream.core.decode.JsonKeyDecoder;
import io.lakestream.core.decode.RecordDecoder;
import io.lakestream.core.error.Failures;
import io.lakestream.core.error.RecordException;
import io.lakestream.core.record.Change;
import io.lakestream.core.record.Row;
import io.lakestream.core.record.Schema;
import io.lakestream.core.source.SourceRecord;
import io.lakestream.core.spec.KafkaSourceSpec.Tombstones;
import io.lakestream.core.transform.RowTransform;
import java.util.List;

/**
 * Turns one source record into a row for one source task: decode, transform, then hand the row to
 * its target (the table, or the exchange in front of a keyed step); a bad record goes to the error
 * policy. A change format's record becomes a change instead: its new row goes to the target, a
 * delete removes the row with its key.
 */
final class RecordProcessor implements SourceInput<SourceRecord> {

  /** Where a source task's rows go. */
  @FunctionalInterface
  interface RowTarget {
    /**
     * Takes the row made from {@code record}, read from the task's split {@code split}.
     *
     * @throws RecordException if the row cannot go on (e.g. its event time is null)
     */
    void accept(Row row, SourceRecord record, int split);

    /** The rows have a new shape from now on; see {@link ChangeDecoder#schemaChange}. */
    default void evolve(Schema schema) {
      throw new UnsupportedOperationException("Schema changes only go straight to a keyed table");
    }

    /** Removes the row with the key of {@code keyRow}, made from {@code record}. */
    default void delete(Row keyRow, SourceRecord record, int split) {
      throw new UnsupportedOperationException("Deletes only go straight to a keyed table");
    }
  }

  private final RecordDecoder decoder;
  private final ChangeDecoder changes;
  private final RowTransform[] transforms;
  private final RowTarget target;
  private final List<TableOutput> outputs;
  private final BadRecords badRecords;
  private final PipelineMetrics metrics;
  private final Tombstones tombstones;
  private final JsonKeyDecoder tombstoneKeys;

  /**
   * @param decoder decodes plain records, or null when {@code changes} is given
   * @param changes decodes change records, or null
   * @param outputs the tables this task's writers write (prepared at every checkpoint)
   * @param tombstones what a plain record with a null value does
   * @param tombstoneKeys reads the key of the row a tombstone deletes, or null when tombstones
   *     delete nothing
   */
  RecordProcessor(
      RecordDecoder decoder,
      ChangeDecoder changes,
      List<RowTransform> transforms,
      RowTarget target,
      List<TableOutput> outputs,
      BadRecords badRecords,
      PipelineMetrics metrics,
      Tombstones tombstones,
      JsonKeyDecoder tombstoneKeys) {
    this.decoder = decoder;
    this.changes = changes;
    this.transforms = transforms.toArray(RowTransform[]::new);
    this.target = target;
    this.outputs = List.copyOf(outputs);
    this.badRecords = badRecords;
    this.metrics = metrics;
    this.tombstones = tombstones;
    this.tombstoneKeys = tombstoneKeys;
  }

  @Override
  public List<TableOutput> outputs() {
    return outputs;
  }

  /**
   * Processes one record read from split {@code split} (the task's local index).
   *
   * @return the failure when the record is bad and the policy is {@code fail}; otherwise null
   */
  @Override
  public RecordFailure process(SourceRecord record, int split) {
    metrics.in.increment();
    String stage = "decode";
    try {
      if (changes != null) {
        Change change = decodeChange(record);
        Schema changed = changes.schemaChange();
        if (changed != null) {
          target.evolve(changed);
        }
        if (change == null) {
          metrics.filtered.increment(); // a tombstone or a schema-change message
        } else if (change.kind() == Change.Kind.DELETE) {
          target.delete(change.row(), record, split);
        } else {
          target.accept(change.row(), record, split);
        }
        return null;
      }
      if (record.value() == null) {
        return tombstone(record, split);
      }
      Row row = decodeRow(record);
      stage = "transform";
      for (RowTransform t : transforms) {
        row = t.apply(row);
        if (row == null) {
          metrics.filtered.increment();
          return null;
        }
      }
      target.accept(row, record, split);
      return null;
    } catch (RecordException e) {
      return badRecords.handle(record, split, stage, e.getMessage());
    }
  }

  private Change decodeChange(SourceRecord record) {
    try {
      return changes.decode(record.key(), record.value());
    } catch (RecordException e) {
      throw e;
    } catch (RuntimeException e) {
      throw decoderFailed(e);
    }
  }

  private Row decodeRow(SourceRecord record) {
    try {
      return decoder.decode(record.value());
    } catch (RecordException e) {
      throw e;
    } catch (RuntimeException e) {
      throw decoderFailed(e);
    }
  }

  /**
   * A decoder failed otherwise than by saying the record is bad: the record still follows the error
   * policy, named by its coordinates, instead of ending the task.
   */
  private static RecordException decoderFailed(RuntimeException e) {
    return new RecordException("the decoder failed: " + Failures.describe(e), e);
  }

  /**
   * A plain record with a null value: it deletes the row its key names where the pipeline writes an
   * upsert table straight from the source; otherwise it is skipped and counted, or is a bad record
   * if the spec says so.
   */
  private RecordFailure tombstone(SourceRecord record, int split) {
    if (tombstoneKeys != null) {
      try {
        target.delete(tombstoneKeys.decode(record.key()), record, split);
        return null;
      } catch (RecordException e) {
        return badRecords.handle(record, split, "tombstone key", e.getMessage());
      }
    }
    if (tombstones == Tombstones.BAD_RECORD) {
      return badRecords.handle(
          record,
          split,
          "decode",
          "the record has no value (a tombstone); source.kafka.tombstones is bad-record");
    }
    badRecords.skipTombstone(record);
    return null;
  }

  /** Says how many log lines about bad records were left out; called at every checkpoint. */
  @Override
  public void flushLog() {
    badRecords.flushLog();
  }

  @Override
  public void close() {
    badRecords.flushLog();
    for (TableOutput o : outputs) {
      o.close();
    }
  }
}
