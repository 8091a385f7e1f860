package io.lakestream.iceberg;

import io.lakestream.core.error.PipelineException;
import io.lakestream.core.sink.BranchTable;
import io.lakestream.core.sink.RowRange;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.MetadataColumns;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.RowDelta;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.GenericFileWriterFactory;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.deletes.PositionDelete;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DataWriteResult;
import org.apache.iceberg.io.DeleteWriteResult;
import org.apache.iceberg.io.FanoutDataWriter;
import org.apache.iceberg.io.FanoutPositionOnlyDeleteWriter;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.SnapshotUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A branch of an Iceberg table for a backfill.
 *
 * <p>The branch starts at the main line's head with every data file removed, in one transaction:
 * the history stays (a writer's recovery reads it), the rows do not, so the branch holds exactly
 * what the backfill commits. Publishing replaces a range of the main line in one row delta: a
 * position delete for every row of the range (rows outside it, and the live writer's files, are not
 * rewritten) and new data files with the branch's rows of the range. The delta is validated against
 * the main line's head it was planned on: a concurrent commit that adds rows or deletes in the
 * range, or removes a file it deletes from, fails it, and it is planned again. Its snapshot records
 * the branch head it published, so publishing that head again is a no-op.
 */
final class IcebergBranchTable implements BranchTable {
  private static final Logger LOG = LoggerFactory.getLogger(IcebergBranchTable.class);

  /** The snapshot-summary key that records which branch head a commit published. */
  static final String PUBLISHED = "lakestream.backfill.published";

  /** The snapshot-summary key of the commit that removed the main line's rows from a branch. */
  static final String STARTED = "lakestream.backfill.started";

  private static final int PUBLISH_ATTEMPTS = 5;
  private static final long TARGET_FILE_SIZE = 128L << 20;

  private final Catalog catalog;
  private final Table table;
  private final String tableName;
  private final String branch;

  IcebergBranchTable(Catalog catalog, Table table, String tableName, String branch) {
    this.catalog = catalog;
    this.table = table;
    this.tableName = tableName;
    this.branch = branch;
  }

  @Override
  public boolean startEmpty() {
    table.refresh();
    boolean created = false;
    if (!table.refs().containsKey(branch)) {
      Snapshot head = table.currentSnapshot();
      if (head == null) {
        table.manageSnapshots().createBranch(branch).commit();
      } else {
        table.manageSnapshots().createBranch(branch, head.snapshotId()).commit();
      }
      created = true;
      LOG.info(
          "Created branch {} of table {} at snapshot {}",
          branch,
          tableName,
          head == null ? "(none)" : head.snapshotId());
    }
    // two commits, so a crash between them leaves a branch whose rows are removed on the next call
    if (!emptied()) {
      table
          .newDelete()
          .deleteFromRowFilter(Expressions.alwaysTrue())
          .set(STARTED, "true")
          .toBranch(branch)
          .commit();
      LOG.info("Removed the main line's rows from branch {} of table {}", branch, tableName);
    }
    return created;
  }

  /** Whether the branch's history has the commit that removed the main line's rows. */
  private boolean emptied() {
    Snapshot head = table.snapshot(branch);
    if (head == null) {
      return true;
    }
    for (Snapshot s : SnapshotUtil.ancestorsOf(head.snapshotId(), table::snapshot)) {
      if (s.summary().containsKey(STARTED)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void read(Line line, RowRange range, Consumer<Map<String, Object>> rows) {
    table.refresh();
    Snapshot head = head(line);
    if (head == null) {
      return;
    }
    try (CloseableIterable<Record> records = scan(head, range)) {
      for (Record r : records) {
        rows.accept(values(r));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public Published replace(RowRange range) {
    for (int attempt = 1; ; attempt++) {
      table.refresh();
      Snapshot branchHead = head(Line.BRANCH);
      if (branchHead == null) {
        throw new PipelineException("Table " + tableName + " has no branch " + branch);
      }
      String marker = branch + "@" + branchHead.snapshotId();
      Snapshot published = publishedBy(marker);
      if (published != null) {
        return new Published(false, 0, 0, Long.toString(published.snapshotId()));
      }
      try {
        return publishOnce(range, branchHead, marker);
      } catch (ValidationException e) {
        if (attempt == PUBLISH_ATTEMPTS) {
          throw new PipelineException(
              "Cannot publish branch "
                  + branch
                  + " into table "
                  + tableName
                  + ": "
                  + attempt
                  + " attempts conflicted with concurrent commits ("
                  + e.getMessage()
                  + "). Is the range still being written by the live pipeline?",
              e);
        }
        LOG.info("Publishing branch {} conflicted ({}); planning it again", branch, e.getMessage());
      }
    }
  }

  private Published publishOnce(RowRange range, Snapshot branchHead, String marker) {
    Snapshot mainHead = table.currentSnapshot();
    OutputFileFactory files =
        OutputFileFactory.builderFor(table, 0, System.currentTimeMillis())
            .format(FileFormat.PARQUET)
            .operationId("backfill-" + UUID.randomUUID())
            .build();
    GenericFileWriterFactory writers =
        new GenericFileWriterFactory.Builder(table)
            .dataFileFormat(FileFormat.PARQUET)
            .deleteFileFormat(FileFormat.PARQUET)
            .build();
    Removed removed =
        mainHead == null
            ? new Removed(List.of(), List.of(), 0)
            : deleteRange(range, mainHead, files, writers);
    List<DataFile> added = new ArrayList<>();
    long addedRows = copyRange(range, branchHead, files, writers, added);
    RowDelta delta = table.newRowDelta();
    added.forEach(delta::addRows);
    removed.deletes().forEach(delta::addDeletes);
    if (mainHead != null) {
      delta
          .validateFromSnapshot(mainHead.snapshotId())
          .conflictDetectionFilter(filter(range))
          .validateNoConflictingDataFiles()
          .validateNoConflictingDeleteFiles()
          .validateDataFilesExist(removed.dataFiles())
          .validateDeletedFiles();
    }
    delta.set(PUBLISHED, marker);
    try {
      delta.commit();
    } catch (CommitStateUnknownException e) {
      throw e; // the files may be in the table now: a rerun finds the publish by its marker
    } catch (RuntimeException e) {
      added.forEach(f -> table.io().deleteFile(f.location()));
      removed.deletes().forEach(f -> table.io().deleteFile(f.location()));
      throw e;
    }
    table.refresh();
    Snapshot head = publishedBy(marker);
    LOG.info(
        "Published branch {} into table {}: {} rows removed, {} rows added in {}",
        branch,
        tableName,
        removed.rows(),
        addedRows,
        range);
    return new Published(
        true, removed.rows(), addedRows, head == null ? null : Long.toString(head.snapshotId()));
  }

  /** The position deletes of the main line's rows in a range, and the data files they name. */
  private record Removed(List<DeleteFile> deletes, List<String> dataFiles, long rows) {}

  private Removed deleteRange(
      RowRange range,
      Snapshot mainHead,
      OutputFileFactory files,
      GenericFileWriterFactory writers) {
    Types.NestedField column = table.schema().findField(range.column());
    Schema projection = new Schema(column, MetadataColumns.ROW_POSITION);
    List<String> named = new ArrayList<>();
    long rows = 0;
    FanoutPositionOnlyDeleteWriter<Record> deletes =
        new FanoutPositionOnlyDeleteWriter<>(writers, files, table.io(), TARGET_FILE_SIZE);
    try (deletes;
        CloseableIterable<FileScanTask> tasks =
            table.newScan().useSnapshot(mainHead.snapshotId()).filter(filter(range)).planFiles()) {
      for (FileScanTask task : tasks) {
        DataFile file = task.file();
        if (file.format() != FileFormat.PARQUET) {
          throw new PipelineException(
              "Cannot publish into table "
                  + tableName
                  + ": "
                  + file.location()
                  + " is not Parquet");
        }
        long before = rows;
        try (CloseableIterable<Record> positions =
            Parquet.read(table.io().newInputFile(file.location()))
                .project(projection)
                .createReaderFunc(schema -> GenericParquetReaders.buildReader(projection, schema))
                .build()) {
          for (Record r : positions) {
            Instant time = instant(r.get(0));
            if (time != null && range.contains(time)) {
              PositionDelete<Record> delete = PositionDelete.create();
              deletes.write(
                  delete.set(file.location(), (Long) r.get(1)),
                  table.specs().get(file.specId()),
                  file.partition());
              rows++;
            }
          }
        }
        if (rows > before) {
          named.add(file.location());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    DeleteWriteResult result = deletes.result();
    return new Removed(result.deleteFiles(), named, rows);
  }

  private long copyRange(
      RowRange range,
      Snapshot branchHead,
      OutputFileFactory files,
      GenericFileWriterFactory writers,
      List<DataFile> added) {
    PartitionKey partition = new PartitionKey(table.spec(), table.schema());
    InternalRecordWrapper wrapper = new InternalRecordWrapper(table.schema().asStruct());
    FanoutDataWriter<Record> out =
        new FanoutDataWriter<>(writers, files, table.io(), TARGET_FILE_SIZE);
    long rows = 0;
    try (out;
        CloseableIterable<Record> records = scan(branchHead, range)) {
      for (Record r : records) {
        Record row = GenericRecord.create(table.schema());
        for (Types.NestedField f : table.schema().columns()) {
          row.setField(f.name(), r.getField(f.name())); // without the reader's metadata columns
        }
        partition.partition(wrapper.wrap(row));
        out.write(row, table.spec(), partition);
        rows++;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    DataWriteResult result = out.result();
    added.addAll(result.dataFiles());
    return rows;
  }

  private CloseableIterable<Record> scan(Snapshot head, RowRange range) {
    return CloseableIterable.filter(
        IcebergGenerics.read(table).useSnapshot(head.snapshotId()).where(filter(range)).build(),
        r -> {
          Instant time = instant(r.getField(range.column()));
          return time != null && range.contains(time);
        });
  }

  private Snapshot head(Line line) {
    return line == Line.MAIN ? table.currentSnapshot() : table.snapshot(branch);
  }

  /** The main line's snapshot that published {@code marker}, if one did. */
  private Snapshot publishedBy(String marker) {
    Snapshot head = table.currentSnapshot();
    if (head == null) {
      return null;
    }
    for (Snapshot s : SnapshotUtil.ancestorsOf(head.snapshotId(), table::snapshot)) {
      if (marker.equals(s.summary().get(PUBLISHED))) {
        return s;
      }
    }
    return null;
  }

  private static Expression filter(RowRange range) {
    return Expressions.and(
        Expressions.greaterThanOrEqual(range.column(), micros(range.from())),
        Expressions.lessThan(range.column(), micros(range.to())));
  }

  private static long micros(Instant t) {
    return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000);
  }

  /** The values of the table's columns (a reader may add metadata columns such as _pos). */
  private Map<String, Object> values(Record r) {
    Map<String, Object> values = new LinkedHashMap<>();
    for (Types.NestedField f : table.schema().columns()) {
      Object v = r.getField(f.name());
      Instant time = instant(v);
      values.put(f.name(), time != null ? time : v);
    }
    return values;
  }

  private static Instant instant(Object value) {
    if (value instanceof OffsetDateTime t) {
      return t.toInstant();
    }
    if (value instanceof LocalDateTime t) {
      return t.toInstant(ZoneOffset.UTC);
    }
    return null;
  }

  @Override
  public void close() {
    if (catalog instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        throw new PipelineException("Cannot close the catalog of table " + tableName, e);
      }
    }
  }
}
