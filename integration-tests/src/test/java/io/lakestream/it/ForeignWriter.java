package io.lakestream.it;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.Types;

/**
 * Another writer of a pipeline's table, as a second application would be: on a thread of its own
 * and through a catalog connection of its own, it appends one Parquet file of {@value
 * #ROWS_PER_COMMIT} rows every period with Iceberg's API, and remembers the rows whose commit went
 * through. Its rows have negative event ids, so they never meet a pipeline's.
 */
final class ForeignWriter implements AutoCloseable {
  static final int ROWS_PER_COMMIT = 10;

  private final JdbcCatalog catalog;
  private final Table table;
  private final OutputFileFactory files;
  private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor();
  private final List<Long> committed = new ArrayList<>();
  private final List<Exception> failures = new ArrayList<>();
  private long nextId = -1;

  private ForeignWriter(JdbcCatalog catalog, Table table) {
    this.catalog = catalog;
    this.table = table;
    this.files = OutputFileFactory.builderFor(table, 1, 1).format(FileFormat.PARQUET).build();
  }

  /**
   * Starts committing to {@code tableName} of {@code p}'s warehouse, which must exist, every {@code
   * periodMillis}.
   */
  static ForeignWriter start(TestPipeline p, String tableName, long periodMillis) {
    JdbcCatalog catalog = LakeTables.catalog(p.warehouse(), p.catalog());
    ForeignWriter writer =
        new ForeignWriter(catalog, catalog.loadTable(TableIdentifier.parse(tableName)));
    writer.thread.scheduleAtFixedRate(
        writer::commitOneFile, 0, periodMillis, TimeUnit.MILLISECONDS);
    return writer;
  }

  /** The event ids of the rows whose commits went through. */
  synchronized List<Long> committed() {
    return List.copyOf(committed);
  }

  /** The commits that failed (after Iceberg's own retries); their rows must not be in the table. */
  synchronized List<Exception> failures() {
    return List.copyOf(failures);
  }

  private void commitOneFile() {
    List<Long> ids = new ArrayList<>();
    synchronized (this) {
      for (int i = 0; i < ROWS_PER_COMMIT; i++) {
        ids.add(nextId--);
      }
    }
    try {
      Schema schema = table.schema();
      List<Record> rows = new ArrayList<>();
      for (long id : ids) {
        rows.add(row(schema, id));
      }
      PartitionKey partition = new PartitionKey(table.spec(), schema);
      partition.partition(new InternalRecordWrapper(schema.asStruct()).wrap(rows.get(0)));
      DataWriter<Record> writer =
          Parquet.writeData(files.newOutputFile(table.spec(), partition))
              .forTable(table)
              .withSpec(table.spec())
              .withPartition(partition)
              .createWriterFunc(GenericParquetWriter::create)
              .overwrite()
              .build();
      try (writer) {
        rows.forEach(writer::write);
      }
      table.newAppend().appendFile(writer.toDataFile()).commit();
      synchronized (this) {
        committed.addAll(ids);
      }
    } catch (IOException | RuntimeException e) {
      synchronized (this) {
        failures.add(e);
      }
    }
  }

  /** One row, all in one partition: user 0 at a fixed time. */
  private static Record row(Schema schema, long id) {
    Record r = GenericRecord.create(schema);
    r.setField("event_id", id);
    r.setField("user_id", 0L);
    r.setField("item_id", id);
    r.setField("amount", BigDecimal.valueOf(-id, 2));
    r.setField("category", "foreign");
    Instant at = Instant.ofEpochMilli(1_764_000_000_000L);
    Types.TimestampType type = (Types.TimestampType) schema.findType("event_time");
    r.setField(
        "event_time",
        type.shouldAdjustToUTC()
            ? OffsetDateTime.ofInstant(at, ZoneOffset.UTC)
            : LocalDateTime.ofInstant(at, ZoneOffset.UTC));
    r.setField("payload", "foreign " + id);
    return r;
  }

  /** Stops committing, after the commit in progress if any. */
  @Override
  public void close() throws InterruptedException {
    thread.shutdown();
    thread.awaitTermination(1, TimeUnit.MINUTES);
    catalog.close();
  }
}
