package io.lakestream.iceberg;

import io.lakestream.core.error.PipelineException;
import io.lakestream.core.record.Row;
import io.lakestream.core.sink.Committable;
import io.lakestream.core.sink.SinkWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.MetricsConfig;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableOperations;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.io.RollingDataWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
  private static final Logger LOG = LoggerFactory.getLogger(IcebergSinkWriter.class);

  private final String tableName;
  private final TableOperations ops;
  private final int formatVersion;
  private final PartitionSpec spec;
  private final long targetFileSize;
  private final String pipelineId;
  private final int taskId;
  private final FileIO io;
  private final OutputFileFactory files;
  private final RowFileWriterFactory writers;
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
      String pipelineId,
      int taskId) {
    this.tableName = tableName;
    this.ops = ops;
    this.formatVersion = ops.current().formatVersion();
    this.spec = table.spec();
    this.targetFileSize = targetFileSize;
    this.pipelineId = pipelineId;
    this.taskId = taskId;
    this.io = table.io();
    this.files = OutputFileFactory.builderFor(table, taskId, 0).format(FileFormat.PARQUET).build();
    this.writers =
        new RowFileWriterFactory(fileSchema, table.properties(), MetricsConfig.forTable(table));
    this.fileView = RowStruct.forWriting(fileSchema.asStruct());
    this.keyView = RowStruct.of(fileSchema.asStruct());
    this.partitionKey = spec.isUnpartitioned() ? null : RowPartitionKey.of(spec, fileSchema);
  }

  @Override
  public void write(Row row) {
    if (failed) {
      throw stopped();
    }
    try {
      if (partitionKey == null) {
        if (unpartitioned == null) {
          unpartitioned = new RollingDataWriter<>(writers, files, io, targetFileSize, spec, null);
        }
        unpartitioned.write(fileView.wrap(row));
      } else {
        partitionKey.partition(keyView.wrap(row));
        if (partitioned == null) {
          partitioned = new BufferedFanout(writers, files, io, targetFileSize, spec, fileView);
        }
        partitioned.write(row, partitionKey);
      }
    } catch (UncheckedIOException e) {
      failed = true;
      throw e;
    } catch (RuntimeException e) {
      failed = true;
      throw new PipelineException(
          "Cannot write a row to table "
              + tableName
              + ": its values do not match the table's columns ("
              + e
              + "); the writer stops",
          e);
    }
  }

  @Override
  public List<Committable> prepareCommit(long checkpointId) {
    if (failed) {
      throw stopped();
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
      throw new UncheckedIOException("Cannot close data files of table " + tableName, e);
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
    PendingManifest manifest =
        PendingManifests.write(
            ops, formatVersion, spec, dataFiles, pipelineId, checkpointId, taskId);
    return List.of(
        new Committable(
            manifest.recordCount(), CommittableSerializer.serialize(List.of(manifest))));
  }

  private IllegalStateException stopped() {
    return new IllegalStateException(
        "Writer of table " + tableName + " stopped after an earlier failure");
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
      LOG.warn(
          "Could not close data files of table {} (task {}): {}", tableName, taskId, e.toString());
    } finally {
      unpartitioned = null;
      partitioned = null;
    }
  }
}
