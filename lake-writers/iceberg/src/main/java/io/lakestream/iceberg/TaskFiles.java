package io.lakestream.iceberg;

import io.lakestream.core.error.PipelineException;
import java.util.List;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableOperations;
import org.apache.iceberg.io.FanoutPositionOnlyDeleteWriter;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.io.RollingDataWriter;
import org.apache.iceberg.io.RollingEqualityDeleteWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where one task writes the files of one table: rolling data and delete writers of the table's
 * spec, named uniquely per task and run, and the pending manifests that hand a checkpoint's files
 * to the committer. Shared by the append and the upsert writer.
 */
final class TaskFiles {
  private static final Logger LOG = LoggerFactory.getLogger(TaskFiles.class);

  private final String tableName;
  private final TableOperations ops;
  private final int formatVersion;
  private final PartitionSpec spec;
  private final long targetFileSize;
  private final String writerName;
  private final int taskId;
  private final OutputFileFactory files;
  private final RowFileWriterFactory writers;

  /**
   * @param table the table as loaded when the sink opened; only read, never refreshed
   * @param ops the table's operations, for the metadata directory
   * @param writers creates the Parquet files
   */
  TaskFiles(
      String tableName,
      Table table,
      TableOperations ops,
      RowFileWriterFactory writers,
      long targetFileSize,
      String writerName,
      int taskId) {
    this.tableName = tableName;
    this.ops = ops;
    this.formatVersion = ops.current().formatVersion();
    this.spec = table.spec();
    this.targetFileSize = targetFileSize;
    this.writerName = writerName;
    this.taskId = taskId;
    this.files = OutputFileFactory.builderFor(table, taskId, 0).format(FileFormat.PARQUET).build();
    this.writers = writers;
  }

  String tableName() {
    return tableName;
  }

  PartitionSpec spec() {
    return spec;
  }

  /**
   * A data file writer for one partition (null for an unpartitioned table), rolling at the target
   * size.
   */
  RollingDataWriter<StructLike> dataWriter(StructLike partition) {
    return new RollingDataWriter<>(writers, files, ops.io(), targetFileSize, spec, partition);
  }

  /** An equality-delete writer (key columns only) for one partition. */
  RollingEqualityDeleteWriter<StructLike> equalityDeleteWriter(StructLike partition) {
    return new RollingEqualityDeleteWriter<>(
        writers, files, ops.io(), targetFileSize, spec, partition);
  }

  /** A position-delete writer for all partitions. */
  FanoutPositionOnlyDeleteWriter<StructLike> positionDeleteWriter() {
    return new FanoutPositionOnlyDeleteWriter<>(writers, files, ops.io(), targetFileSize);
  }

  /** Lists a checkpoint's data files in a new pending manifest. */
  PendingManifest dataManifest(List<DataFile> dataFiles, long checkpointId) {
    return PendingManifests.write(
        ops, formatVersion, spec, dataFiles, writerName, checkpointId, taskId);
  }

  /** Lists a checkpoint's delete files in a new pending delete manifest. */
  PendingManifest deleteManifest(List<DeleteFile> deleteFiles, long checkpointId) {
    return PendingManifests.writeDeletes(
        ops,
        formatVersion,
        spec,
        deleteFiles,
        writerName,
        checkpointId,
        taskId,
        PendingManifest.Content.DELETES);
  }

  /**
   * Lists a checkpoint's fallback equality-delete files (see {@link CommittedFileRefs}) in a new
   * pending delete manifest.
   */
  PendingManifest fallbackDeleteManifest(List<DeleteFile> deleteFiles, long checkpointId) {
    return PendingManifests.writeDeletes(
        ops,
        formatVersion,
        spec,
        deleteFiles,
        writerName,
        checkpointId,
        taskId,
        PendingManifest.Content.FALLBACK_DELETES);
  }

  /** The error of a writer used after a failure. */
  IllegalStateException stopped() {
    return new IllegalStateException(
        "Writer of table " + tableName + " stopped after an earlier failure");
  }

  /** The error of a row the table's files cannot take; the writer stops after it. */
  PipelineException rowRejected(RuntimeException cause) {
    return new PipelineException(
        "Cannot write a row to table "
            + tableName
            + ": its values do not match the table's columns ("
            + cause
            + "); the writer stops",
        cause);
  }

  /** Logs files that could not be closed when a writer is released uncommitted. */
  void closeFailed(Exception e) {
    LOG.warn("Could not close files of table {} (task {}): {}", tableName, taskId, e.toString());
  }

  /** The error of files that could not be closed for a checkpoint. */
  java.io.UncheckedIOException closeFailed(java.io.IOException e, long checkpointId) {
    return new java.io.UncheckedIOException(
        "Cannot close the files of table " + tableName + " for checkpoint " + checkpointId, e);
  }
}
