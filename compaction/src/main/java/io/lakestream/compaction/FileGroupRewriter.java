package io.lakestream.compaction;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.actions.RewriteFileGroup;
import org.apache.iceberg.data.GenericDeleteFilter;
import org.apache.iceberg.data.GenericFileWriterFactory;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IdentityPartitionConverters;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.io.RollingDataWriter;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.PartitionUtil;

/**
 * Reads the files of one group with their equality and position deletes applied, and writes the
 * live rows into new data files of the group's partition, rolling at the group's maximum file size.
 * Parquet only: what lakestream writes.
 */
final class FileGroupRewriter {
  private final Table table;
  private final String operationId = "rewrite-" + UUID.randomUUID();

  FileGroupRewriter(Table table) {
    this.table = table;
  }

  /**
   * Writes the live rows of {@code group}; on failure deletes what it wrote.
   *
   * @throws UncheckedIOException if a file cannot be read or written
   * @throws UnsupportedGroup if a file is not Parquet or not of the table's current partition spec
   */
  List<DataFile> write(RewriteFileGroup group) {
    PartitionSpec spec = table.specs().get(group.outputSpecId());
    for (FileScanTask task : group.fileScanTasks()) {
      if (task.file().format() != FileFormat.PARQUET) {
        throw new UnsupportedGroup(
            "data file "
                + task.file().location()
                + " is "
                + task.file().format()
                + ", not Parquet");
      }
      if (task.file().specId() != spec.specId()) {
        throw new UnsupportedGroup(
            "data file "
                + task.file().location()
                + " has partition spec "
                + task.file().specId()
                + ", the table "
                + spec.specId());
      }
    }
    Schema schema = table.schema();
    OutputFileFactory files =
        OutputFileFactory.builderFor(table, group.info().globalIndex(), 0)
            .format(FileFormat.PARQUET)
            .operationId(operationId)
            .build();
    GenericFileWriterFactory writers =
        new GenericFileWriterFactory.Builder(table)
            .dataFileFormat(FileFormat.PARQUET)
            .dataSchema(schema)
            .build();
    RollingDataWriter<Record> out =
        new RollingDataWriter<>(
            writers, files, table.io(), group.maxOutputFileSize(), spec, group.info().partition());
    boolean written = false;
    try {
      for (FileScanTask task : group.fileScanTasks()) {
        try (CloseableIterable<Record> rows = liveRows(task, schema)) {
          for (Record row : rows) {
            out.write(row);
          }
        }
      }
      written = true;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot rewrite file group " + group.info(), e);
    } finally {
      try {
        out.close();
      } catch (IOException e) {
        if (written) {
          throw new UncheckedIOException("Cannot finish rewritten files of " + group.info(), e);
        }
      }
      if (!written) {
        delete(out.result().dataFiles());
      }
    }
    return out.result().dataFiles();
  }

  /** Deletes files this rewriter wrote that will not be committed. */
  void delete(List<DataFile> written) {
    written.forEach(f -> table.io().deleteFile(f.location()));
  }

  private CloseableIterable<Record> liveRows(FileScanTask task, Schema schema) {
    GenericDeleteFilter deletes = new GenericDeleteFilter(table.io(), task, schema, schema);
    Schema required = deletes.requiredSchema();
    Map<Integer, ?> constants =
        PartitionUtil.constantsMap(task, IdentityPartitionConverters::convertConstant);
    CloseableIterable<Record> rows =
        Parquet.read(table.io().newInputFile(task.file().location()))
            .project(required)
            .createReaderFunc(
                fileSchema -> GenericParquetReaders.buildReader(required, fileSchema, constants))
            .build();
    return CloseableIterable.transform(deletes.filter(rows), row -> project(row, schema));
  }

  /** The row with only the table's columns (the delete filter may have read more). */
  private static Record project(Record row, Schema schema) {
    GenericRecord out = GenericRecord.create(schema);
    List<Types.NestedField> columns = schema.columns();
    for (int i = 0; i < columns.size(); i++) {
      out.set(i, row.getField(columns.get(i).name()));
    }
    return out;
  }

  /** A group this rewriter cannot rewrite; the action skips it. */
  static final class UnsupportedGroup extends RuntimeException {
    UnsupportedGroup(String message) {
      super(message);
    }
  }
}
