package io.lakestream.iceberg;

import io.lakestream.core.record.Row;
import io.lakestream.core.sink.Committable;
import io.lakestream.core.sink.SinkWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.MetricsConfig;
import org.apache.iceberg.Schema;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableOperations;
import org.apache.iceberg.io.RollingDataWriter;

/**
 * Writes one task's rows into Parquet data files of one table. Rows go to Parquet through {@link
 * RowStruct} without copying; an unpartitioned table gets one rolling file, a partitioned one a
 * rolling file per partition ({@link BufferedFanout}). A file is rolled once it reaches the target
 * size.
 *
 * <p>{@link #prepareCommit} closes the open files and lists them in one pending manifest, whose
 * reference is the single committable of the call. If a row cannot be written the writer stops: its
 * open files may hold part of that row, so nothing of this checkpoint may be committed.
 */
final class IcebergSinkWriter implements SinkWriter {
  private final TaskFiles task;
  private final RowStruct fileView;
  private final RowStruct keyView;
  private final RowPartitionKey partitionKey;

  private RollingDataWriter<StructLike> unpartitioned;
  private BufferedFanout partitioned;
  private boolean failed;

  /**
   * @param table the table as loaded when the sink opened; only read, never refreshed
   * @param ops the table's operations, for the metadata directory
   * @param fileSchema the schema files are written with, in row order
   */
  IcebergSinkWriter(
      String tableName,
      Table table,
      TableOperations ops,
      Schema fileSchema,
      long targetFileSize,
      String writerName,
      int taskId) {
    this.task =
        new TaskFiles(
            tableName,
            table,
            ops,
            new RowFileWriterFactory(fileSchema, table.properties(), MetricsConfig.forTable(table)),
            targetFileSize,
            writerName,
            taskId);
    this.fileView = RowStruct.forWriting(fileSchema.asStruct());
    this.keyView = RowStruct.of(fileSchema.asStruct());
    this.partitionKey =
        task.spec().isUnpartitioned() ? null : RowPartitionKey.of(task.spec(), fileSchema);
  }

  @Override
  public void write(Row row) {
    if (failed) {
      throw task.stopped();
    }
    try {
      if (partitionKey == null) {
        if (unpartitioned == null) {
          unpartitioned = task.dataWriter(null);
        }
        unpartitioned.write(fileView.wrap(row));
      } else {
        partitionKey.partition(keyView.wrap(row));
        if (partitioned == null) {
          partitioned = new BufferedFanout(task, fileView);
        }
        partitioned.write(row, partitionKey);
      }
    } catch (UncheckedIOException e) {
      failed = true;
      throw e;
    } catch (RuntimeException e) {
      failed = true;
      throw task.rowRejected(e);
    }
  }

  @Override
  public List<Committable> prepareCommit(long checkpointId) {
    if (failed) {
      throw task.stopped();
    }
    List<DataFile> dataFiles = new ArrayList<>();
    try {
      if (unpartitioned != null) {
        unpartitioned.close();
        dataFiles.addAll(unpartitioned.result().dataFiles());
      }
      if (partitioned != null) {
        dataFiles.addAll(partitioned.close());
      }
    } catch (IOException e) {
      failed = true;
      throw task.closeFailed(e, checkpointId);
    } catch (RuntimeException e) {
      failed = true;
      throw e;
    } finally {
      unpartitioned = null;
      partitioned = null;
    }
    if (dataFiles.isEmpty()) {
      return List.of();
    }
    PendingManifest manifest = task.dataManifest(dataFiles, checkpointId);
    return List.of(
        new Committable(
            manifest.recordCount(), CommittableSerializer.serialize(List.of(manifest))));
  }

  @Override
  public void close() {
    try {
      if (unpartitioned != null) {
        unpartitioned.close();
      }
      if (partitioned != null) {
        partitioned.abort();
      }
    } catch (IOException | RuntimeException e) {
      task.closeFailed(e);
    } finally {
      unpartitioned = null;
      partitioned = null;
    }
  }
}
