package io.lakestream.compaction;

import io.lakestream.catalog.CommitMetadata;
import io.lakestream.core.spec.WriterId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericFileWriterFactory;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.deletes.EqualityDeleteWriter;
import org.apache.iceberg.deletes.PositionDelete;
import org.apache.iceberg.deletes.PositionDeleteWriter;
import org.apache.iceberg.encryption.EncryptedFiles;
import org.apache.iceberg.encryption.EncryptedOutputFile;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.apache.iceberg.types.Types;

/**
 * Shared test fixture: a real v2 Iceberg table {@code db.events (id long, name string, part int)}
 * partitioned by {@code part}, in a JDBC catalog on SQLite in a directory, with helpers that write
 * data files, equality deletes on {@code id} and position deletes the way writers do.
 */
final class TestTable implements AutoCloseable {
  static final Schema SCHEMA =
      new Schema(
          Types.NestedField.required(1, "id", Types.LongType.get()),
          Types.NestedField.optional(2, "name", Types.StringType.get()),
          Types.NestedField.required(3, "part", Types.IntegerType.get()));
  static final TableIdentifier NAME = TableIdentifier.of("db", "events");

  private final JdbcCatalog catalog = new JdbcCatalog();
  final Table table;

  TestTable(Path dir) {
    catalog.initialize(
        "lakestream",
        Map.of(
            "uri",
            "jdbc:sqlite:" + dir.resolve("catalog.db"),
            "warehouse",
            dir.resolve("warehouse").toUri().toString(),
            "jdbc.schema-version",
            "V1"));
    this.table =
        catalog
            .buildTable(NAME, SCHEMA)
            .withPartitionSpec(PartitionSpec.builderFor(SCHEMA).identity("part").build())
            .withProperty(TableProperties.FORMAT_VERSION, "2")
            .create();
  }

  /** A second instance of the table, as another process would load it. */
  Table load() {
    return catalog.loadTable(NAME);
  }

  static Record row(long id, int part) {
    GenericRecord r = GenericRecord.create(SCHEMA);
    r.setField("id", id);
    r.setField("name", "name-" + id);
    r.setField("part", part);
    return r;
  }

  /** Writes rows {@code [from, to)} of partition {@code part} into one data file. */
  DataFile dataFile(long from, long to, int part) {
    DataWriter<Record> writer =
        writers(null).newDataWriter(output(), table.spec(), partition(part));
    try (writer) {
      for (long id = from; id < to; id++) {
        writer.write(row(id, part));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return writer.toDataFile();
  }

  /** Appends rows {@code [from, to)} of partition {@code part} as one file in one commit. */
  DataFile append(long from, long to, int part) {
    DataFile file = dataFile(from, to, part);
    table.newAppend().appendFile(file).commit();
    return file;
  }

  /** Appends one file as a lakestream writer's checkpoint commit. */
  void appendCheckpoint(WriterId writer, long checkpoint, long from, long to, int part) {
    AppendFiles append = load().newAppend().appendFile(dataFile(from, to, part));
    CommitMetadata.toCommitEntries(writer, checkpoint, Map.of("events:0", to)).forEach(append::set);
    append.commit();
  }

  /** An equality delete file of partition {@code part} deleting these ids. */
  DeleteFile equalityDeletes(int part, long... ids) {
    Schema idOnly = SCHEMA.select("id");
    EqualityDeleteWriter<Record> writer =
        writers(idOnly).newEqualityDeleteWriter(output(), table.spec(), partition(part));
    try (writer) {
      for (long id : ids) {
        GenericRecord key = GenericRecord.create(idOnly);
        key.setField("id", id);
        writer.write(key);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return writer.toDeleteFile();
  }

  /** A position delete file deleting {@code positions} of {@code file}. */
  DeleteFile positionDeletes(DataFile file, long... positions) {
    PositionDeleteWriter<Record> writer =
        writers(null)
            .newPositionDeleteWriter(
                output(), table.spec(), partition(file.partition().get(0, Integer.class)));
    try (writer) {
      for (long pos : positions) {
        writer.write(PositionDelete.<Record>create().set(file.location(), pos));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return writer.toDeleteFile();
  }

  /** Every row's id, by Iceberg's own reader. */
  static java.util.SortedSet<Long> ids(Table table) {
    table.refresh();
    java.util.SortedSet<Long> ids = new java.util.TreeSet<>();
    try (CloseableIterable<Record> rows = IcebergGenerics.read(table).build()) {
      rows.forEach(r -> ids.add((Long) r.getField("id")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return ids;
  }

  /** Data files of the current snapshot. */
  static int dataFiles(Table table) {
    table.refresh();
    return table.currentSnapshot() == null
        ? 0
        : Integer.parseInt(table.currentSnapshot().summary().get("total-data-files"));
  }

  /** Delete files that apply to some data file of the current snapshot. */
  static int appliedDeleteFiles(Table table) {
    table.refresh();
    Map<String, Boolean> deletes = new TreeMap<>();
    try (var tasks = table.newScan().planFiles()) {
      tasks.forEach(t -> t.deletes().forEach(d -> deletes.put(d.location(), true)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return deletes.size();
  }

  private GenericFileWriterFactory writers(Schema equalityDeleteSchema) {
    GenericFileWriterFactory.Builder builder =
        new GenericFileWriterFactory.Builder(table)
            .dataFileFormat(FileFormat.PARQUET)
            .deleteFileFormat(FileFormat.PARQUET)
            .dataSchema(SCHEMA);
    if (equalityDeleteSchema != null) {
      builder.equalityFieldIds(new int[] {1}).equalityDeleteRowSchema(equalityDeleteSchema);
    }
    return builder.build();
  }

  private EncryptedOutputFile output() {
    return EncryptedFiles.plainAsEncryptedOutput(
        table
            .io()
            .newOutputFile(
                table
                    .locationProvider()
                    .newDataLocation("test-" + UUID.randomUUID() + ".parquet")));
  }

  private PartitionKey partition(int part) {
    PartitionKey key = new PartitionKey(table.spec(), SCHEMA);
    key.partition(row(0, part));
    return key;
  }

  @Override
  public void close() throws IOException {
    catalog.close();
  }
}
