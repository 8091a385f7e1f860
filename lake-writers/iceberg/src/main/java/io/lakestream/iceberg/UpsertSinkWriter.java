package io.lakestream.iceberg;

import io.lakestream.core.error.PipelineException;
import io.lakestream.core.record.Row;
import io.lakestream.core.sink.Committable;
import io.lakestream.core.sink.SinkWriter;
import io.lakestream.core.sink.SupportsDelete;
import io.lakestream.core.sink.SupportsSchemaChange;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.MetricsConfig;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SchemaParser;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableOperations;
import org.apache.iceberg.deletes.PositionDelete;
import org.apache.iceberg.io.FanoutPositionOnlyDeleteWriter;
import org.apache.iceberg.io.RollingDataWriter;
import org.apache.iceberg.io.RollingEqualityDeleteWriter;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.StructLikeMap;

/**
 * Writes one task's upserts and deletes into an Iceberg table with a key (format version 2). Every
 * {@link #write} replaces the row with the same key; {@link #delete} removes it. Within one
 * checkpoint the newest change of a key wins:
 *
 * <ul>
 *   <li>The writer remembers every key it touched in the current checkpoint: the data file and
 *       position of the key's row, or that the key was deleted. Memory therefore grows with the
 *       keys of one checkpoint and is released by {@link #prepareCommit}.
 *   <li>A change of a key first seen in this checkpoint writes an equality delete of the key (the
 *       key columns only), which removes the key's rows committed by earlier checkpoints. Equality
 *       deletes apply only to data files with a lower sequence number, so they never hit the rows
 *       committed together with them.
 *   <li>A change of a key whose row was written earlier in this checkpoint writes a position delete
 *       of that row. So a key changed many times yields exactly one row, and a key inserted and
 *       deleted in the same checkpoint leaves nothing.
 *   <li>With a {@link KeyIndex} (delete mode {@code position}, the default) the writer also
 *       remembers, across checkpoints, where the current row of each key it wrote lives. A change
 *       of a key whose row an earlier checkpoint wrote then writes a position delete of that row
 *       instead of an equality delete, so readers need not apply the key to every older file. The
 *       key also goes into a fallback equality-delete file, which the commit adds only if
 *       maintenance rewrote the row's file meanwhile ({@link CommittedFileRefs}); otherwise it is
 *       deleted unused.
 * </ul>
 *
 * <p>Like the equality deletes, the index assumes that the changes of a key reach the table through
 * one writer: a key that another task changed since this one wrote it would be deleted by position
 * from a row that is already gone.
 *
 * <p>Every partition column is a key column, so all rows of a key and their deletes share one
 * partition. Rows are written straight to their partition's file (no batching as in append mode)
 * because a row's position must be known when it is written. {@link #prepareCommit} closes all
 * files and lists the data files and the delete files in one pending manifest each; both go into
 * the single committable of the call. If a row cannot be written the writer stops, as in append
 * mode.
 *
 * <p>When the source's rows change shape ({@link #evolve}), the files written so far are closed and
 * kept for the checkpoint, and new files are written with the evolved schema, which the committable
 * carries so that the table takes it in the same commit.
 */
final class UpsertSinkWriter implements SinkWriter, SupportsDelete, SupportsSchemaChange {

  /** The value of a key deleted in the current checkpoint. */
  private static final Object DELETED = new Object();

  private final String tableName;
  private final Table table;
  private final TableOperations ops;
  private final long targetFileSize;
  private final String writerName;
  private final int taskId;
  private final Schema keySchema;
  private final int lastColumnId;
  private TaskFiles task;
  private final PartitionSpec spec;
  private Schema fileSchema;
  private RowStruct fileView;
  private RowStruct partitionView;
  private RowPartitionKey partitionKey;
  private boolean evolved;
  private final List<DataFile> closedData = new ArrayList<>();
  private final List<DeleteFile> closedDeletes = new ArrayList<>();
  private final List<String> keyColumns;
  private final Types.StructType keyType;
  private final KeyView key;
  private final PositionDelete<StructLike> positionDelete = PositionDelete.create();

  /** The rows of earlier checkpoints by key; null in delete mode {@code equality}. */
  private final KeyIndex index;

  private final java.util.Set<String> referenced = new java.util.HashSet<>();
  private long oldestReferenced = Long.MAX_VALUE;
  private boolean referencesLoaded;
  private final List<DeleteFile> closedFallback = new ArrayList<>();

  /** Per key touched in this checkpoint: a {@link RowAt} or {@link #DELETED}. */
  private StructLikeMap<Object> touched;

  private Slot unpartitioned;
  private StructLikeMap<Slot> partitioned;
  private final List<Slot> open = new ArrayList<>();
  private FanoutPositionOnlyDeleteWriter<StructLike> positionDeletes;
  private boolean failed;

  /**
   * @param table the table as loaded when the sink opened; only read, never refreshed
   * @param ops the table's operations, for the metadata directory
   * @param fileSchema the schema files are written with, in row order
   * @param keyColumns the key columns, top-level columns of {@code fileSchema}
   * @param index where the current rows of keys written before live, or null for none (delete mode
   *     {@code equality}); the writer changes it
   */
  UpsertSinkWriter(
      String tableName,
      Table table,
      TableOperations ops,
      Schema fileSchema,
      List<String> keyColumns,
      long targetFileSize,
      String writerName,
      int taskId,
      KeyIndex index) {
    List<Types.NestedField> columns = fileSchema.columns();
    List<Types.NestedField> keyFields = new ArrayList<>(keyColumns.size());
    int[] positions = new int[keyColumns.size()];
    for (int i = 0; i < positions.length; i++) {
      Types.NestedField field = fileSchema.findField(keyColumns.get(i));
      positions[i] = columns.indexOf(field);
      keyFields.add(field);
    }
    this.keySchema = new Schema(keyFields);
    this.keyColumns = List.copyOf(keyColumns);
    this.keyType = keySchema.asStruct();
    this.key = new KeyView(positions);
    this.tableName = tableName;
    this.table = table;
    this.ops = ops;
    this.targetFileSize = targetFileSize;
    this.writerName = writerName;
    this.taskId = taskId;
    this.lastColumnId = ops.current().lastColumnId();
    this.spec = table.spec();
    useSchema(fileSchema);
    this.touched = StructLikeMap.create(keyType);
    this.index = index;
  }

  private void useSchema(Schema schema) {
    this.fileSchema = schema;
    this.task =
        new TaskFiles(
            tableName,
            table,
            ops,
            new RowFileWriterFactory(
                schema,
                table.properties(),
                MetricsConfig.forTable(table),
                keySchema,
                MetricsConfig.forPositionDelete()),
            targetFileSize,
            writerName,
            taskId);
    this.fileView = RowStruct.forWriting(schema.asStruct());
    this.partitionView = RowStruct.of(schema.asStruct());
    this.partitionKey = spec.isUnpartitioned() ? null : RowPartitionKey.of(spec, schema);
  }

  /**
   * Closes the files written so far (they stay part of the checkpoint) and writes the next rows
   * with the table's schema evolved to {@code rows}.
   */
  @Override
  public void evolve(io.lakestream.core.record.Schema rows) {
    if (failed) {
      throw task.stopped();
    }
    Schema next = SchemaEvolution.evolve(fileSchema, rows, lastColumnId, table.schema(), tableName);
    try {
      for (Slot slot : open) {
        slot.close(closedData, closedDeletes, closedFallback);
      }
    } catch (IOException e) {
      failed = true;
      throw new UncheckedIOException(e);
    }
    open.clear();
    unpartitioned = null;
    partitioned = null;
    useSchema(next);
    evolved = true;
  }

  /**
   * Upserts {@code row}: it replaces any earlier row with the same key.
   *
   * @throws PipelineException if a key column of the row is null (the writer goes on) or the row
   *     does not match the table (the writer stops)
   */
  @Override
  public void write(Row row) {
    change(row, true);
  }

  @Override
  public List<String> keyColumns() {
    return keyColumns;
  }

  @Override
  public void delete(Row row) {
    change(row, false);
  }

  private void change(Row row, boolean upsert) {
    if (failed) {
      throw task.stopped();
    }
    key.wrap(row, upsert);
    try {
      Slot slot = slotOf(row);
      Object previous = touched.get(key);
      if (previous instanceof RowAt at) {
        positionDeletes().write(positionDelete.set(at.path, at.position), spec, slot.partition);
      } else if (previous == null) {
        KeyIndex.Row committed = index == null ? null : index.get(key);
        if (committed == null) {
          slot.equalityDeletes().write(key);
        } else {
          positionDeletes()
              .write(
                  positionDelete.set(committed.path(), committed.position()), spec, slot.partition);
          slot.fallbackDeletes().write(key);
          referenced.add(committed.path().toString());
          if (committed.checkpointId() == KeyIndex.LOADED) {
            referencesLoaded = true;
          } else {
            oldestReferenced = Math.min(oldestReferenced, committed.checkpointId());
          }
        }
      }
      // DELETED: the key's equality delete was written when the key was first seen
      Object now = DELETED;
      if (upsert) {
        RollingDataWriter<StructLike> data = slot.data();
        now = new RowAt(data.currentFilePath(), data.currentFileRows());
        data.write(fileView.wrap(row));
      }
      touched.put(key.copy(), now);
    } catch (UncheckedIOException e) {
      failed = true;
      throw e;
    } catch (RuntimeException e) {
      failed = true;
      throw task.rowRejected(e);
    }
  }

  private Slot slotOf(Row row) {
    if (partitionKey == null) {
      if (unpartitioned == null) {
        unpartitioned = new Slot(null);
        open.add(unpartitioned);
      }
      return unpartitioned;
    }
    partitionKey.partition(partitionView.wrap(row));
    if (partitioned == null) {
      partitioned = StructLikeMap.create(spec.partitionType());
    }
    Slot slot = partitioned.get(partitionKey);
    if (slot == null) {
      RowPartitionKey partition = partitionKey.copy();
      slot = new Slot(partition);
      partitioned.put(partition, slot);
      open.add(slot);
    }
    return slot;
  }

  private FanoutPositionOnlyDeleteWriter<StructLike> positionDeletes() {
    if (positionDeletes == null) {
      positionDeletes = task.positionDeleteWriter();
    }
    return positionDeletes;
  }

  @Override
  public List<Committable> prepareCommit(long checkpointId) {
    if (failed) {
      throw task.stopped();
    }
    List<DataFile> dataFiles = new ArrayList<>(closedData);
    List<DeleteFile> deleteFiles = new ArrayList<>(closedDeletes);
    List<DeleteFile> fallbackFiles = new ArrayList<>(closedFallback);
    closedData.clear();
    closedDeletes.clear();
    closedFallback.clear();
    CommittedFileRefs refs =
        referenced.isEmpty()
            ? CommittedFileRefs.NONE
            : new CommittedFileRefs(
                oldestReferenced,
                referencesLoaded ? index.loadedSnapshot() : CommittedFileRefs.NO_SNAPSHOT,
                referenced);
    try {
      for (Slot slot : open) {
        slot.close(dataFiles, deleteFiles, fallbackFiles);
      }
      if (positionDeletes != null) {
        positionDeletes.close();
        deleteFiles.addAll(positionDeletes.result().deleteFiles());
      }
    } catch (IOException e) {
      failed = true;
      throw task.closeFailed(e, checkpointId);
    } catch (RuntimeException e) {
      failed = true;
      throw e;
    } finally {
      if (!failed) {
        remember(checkpointId);
      }
      forgetCheckpoint();
    }
    List<PendingManifest> manifests = new ArrayList<>(3);
    if (!dataFiles.isEmpty()) {
      manifests.add(task.dataManifest(dataFiles, checkpointId));
    }
    if (!deleteFiles.isEmpty()) {
      manifests.add(task.deleteManifest(deleteFiles, checkpointId));
    }
    if (!fallbackFiles.isEmpty()) {
      manifests.add(task.fallbackDeleteManifest(fallbackFiles, checkpointId));
    }
    if (manifests.isEmpty() && !evolved) {
      return List.of();
    }
    long records = dataFiles.stream().mapToLong(DataFile::recordCount).sum();
    String schemaJson = evolved ? SchemaParser.toJson(fileSchema) : null;
    return List.of(
        new Committable(records, CommittableSerializer.serialize(manifests, schemaJson, refs)));
  }

  /** Moves where this checkpoint's rows live into the index; deleted keys leave it. */
  private void remember(long checkpointId) {
    if (index == null) {
      return;
    }
    touched.forEach(
        (k, v) -> {
          if (v instanceof RowAt at) {
            index.put(k, at.path, at.position, checkpointId);
          } else {
            index.remove(k);
          }
        });
  }

  private void forgetCheckpoint() {
    open.clear();
    unpartitioned = null;
    partitioned = null;
    positionDeletes = null;
    touched = StructLikeMap.create(keyType);
    referenced.clear();
    oldestReferenced = Long.MAX_VALUE;
    referencesLoaded = false;
  }

  /** Closes open files without committing them; position deletes not yet written are dropped. */
  @Override
  public void close() {
    List<DataFile> ignoredData = new ArrayList<>();
    List<DeleteFile> ignoredDeletes = new ArrayList<>();
    for (Slot slot : open) {
      try {
        slot.close(ignoredData, ignoredDeletes, ignoredDeletes);
      } catch (IOException | RuntimeException e) {
        task.closeFailed(e);
      }
    }
    forgetCheckpoint();
  }

  /** Where a row of this checkpoint was written. */
  private record RowAt(CharSequence path, long position) {}

  /** The files of one partition, opened on first use. */
  private final class Slot {
    final StructLike partition;
    private RollingDataWriter<StructLike> data;
    private RollingEqualityDeleteWriter<StructLike> equalityDeletes;
    private RollingEqualityDeleteWriter<StructLike> fallbackDeletes;

    Slot(StructLike partition) {
      this.partition = partition;
    }

    RollingDataWriter<StructLike> data() {
      if (data == null) {
        data = task.dataWriter(partition);
      }
      return data;
    }

    RollingEqualityDeleteWriter<StructLike> equalityDeletes() {
      if (equalityDeletes == null) {
        equalityDeletes = task.equalityDeleteWriter(partition);
      }
      return equalityDeletes;
    }

    /** The keys deleted by position from rows of earlier checkpoints, in case maintenance wins. */
    RollingEqualityDeleteWriter<StructLike> fallbackDeletes() {
      if (fallbackDeletes == null) {
        fallbackDeletes = task.equalityDeleteWriter(partition);
      }
      return fallbackDeletes;
    }

    void close(List<DataFile> dataFiles, List<DeleteFile> deleteFiles, List<DeleteFile> fallback)
        throws IOException {
      try {
        if (data != null) {
          data.close();
          dataFiles.addAll(data.result().dataFiles());
        }
      } finally {
        try {
          if (equalityDeletes != null) {
            equalityDeletes.close();
            deleteFiles.addAll(equalityDeletes.result().deleteFiles());
          }
        } finally {
          if (fallbackDeletes != null) {
            fallbackDeletes.close();
            fallback.addAll(fallbackDeletes.result().deleteFiles());
          }
        }
      }
    }
  }

  /**
   * The key columns of a row, as a struct in key order; reused for lookups and equality deletes,
   * copied to be kept.
   */
  private final class KeyView implements StructLike {
    private final int[] positions;
    private Row row;

    KeyView(int[] positions) {
      this.positions = positions;
    }

    /**
     * Shows the key of {@code row}.
     *
     * @throws PipelineException if a key column is null
     */
    void wrap(Row row, boolean upsert) {
      for (int i = 0; i < positions.length; i++) {
        if (row.get(positions[i]) == null) {
          throw new PipelineException(
              "Cannot "
                  + (upsert ? "upsert a row into" : "delete a row from")
                  + " table "
                  + task.tableName()
                  + ": key column \""
                  + keyColumns.get(i)
                  + "\" is null; every row needs a value for each key column "
                  + keyColumns);
        }
      }
      this.row = row;
    }

    StructLike copy() {
      Object[] values = new Object[positions.length];
      for (int i = 0; i < positions.length; i++) {
        values[i] = row.get(positions[i]);
      }
      return new KeyValues(values);
    }

    @Override
    public int size() {
      return positions.length;
    }

    @Override
    public <T> T get(int pos, Class<T> javaClass) {
      return javaClass.cast(row.get(positions[pos]));
    }

    @Override
    public <T> void set(int pos, T value) {
      throw new UnsupportedOperationException("Keys are read-only");
    }
  }
}
