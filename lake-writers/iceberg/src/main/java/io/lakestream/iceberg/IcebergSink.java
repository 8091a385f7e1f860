package io.lakestream.iceberg;

import io.lakestream.core.sink.Sink;
import io.lakestream.core.sink.SinkCommitter;
import io.lakestream.core.sink.SinkWriter;
import io.lakestream.core.spec.WriterId;
import java.util.List;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableOperations;
import org.apache.iceberg.catalog.Catalog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One open Iceberg table: writers per task ({@link UpsertSinkWriter} in upsert mode, {@link
 * IcebergSinkWriter} otherwise) and one committer.
 */
final class IcebergSink implements Sink {
  private static final Logger LOG = LoggerFactory.getLogger(IcebergSink.class);

  private final Catalog catalog;
  private final String tableName;
  private final Table writeTable;
  private final TableOperations writeOps;
  private final Schema fileSchema;
  private final io.lakestream.core.record.Schema newColumns;
  private final long targetFileSize;
  private final WriterId writer;
  private final List<String> key;
  private final int keyIndexKeys;
  private final String branch;
  private final IcebergCommitter committer;

  /**
   * @param catalog the catalog, closed with the sink
   * @param writeTable the table as loaded at open, shared read-only by writers
   * @param commitTable a second instance of the table, refreshed by the committer only
   * @param fileSchema the schema data files are written with
   * @param branch the branch commits go to, or null for the main line
   * @param key the key columns in upsert mode, empty in append mode
   * @param keyIndexKeys the most keys an upsert writer's {@link KeyIndex} holds, 0 for none
   * @param newColumns in upsert mode, the pipeline's rows when they have columns the table lacks (a
   *     change source gained them while the pipeline was stopped); otherwise null
   */
  IcebergSink(
      Catalog catalog,
      String tableName,
      Table writeTable,
      TableOperations writeOps,
      Table commitTable,
      TableOperations commitOps,
      Schema fileSchema,
      long targetFileSize,
      WriterId writer,
      String branch,
      List<String> key,
      int keyIndexKeys,
      io.lakestream.core.record.Schema newColumns) {
    this.catalog = catalog;
    this.tableName = tableName;
    this.writeTable = writeTable;
    this.writeOps = writeOps;
    this.fileSchema = fileSchema;
    this.targetFileSize = targetFileSize;
    this.writer = writer;
    this.key = List.copyOf(key);
    this.keyIndexKeys = keyIndexKeys;
    this.branch = branch;
    this.newColumns = newColumns;
    this.committer = new IcebergCommitter(commitTable, commitOps, tableName, writer, branch);
  }

  @Override
  public String table() {
    return tableName;
  }

  @Override
  public SinkWriter createWriter(int taskId) {
    if (!key.isEmpty()) {
      KeyIndex index = keyIndexKeys > 0 ? loadKeyIndex() : null;
      UpsertSinkWriter upsert =
          new UpsertSinkWriter(
              tableName,
              writeTable,
              writeOps,
              fileSchema,
              key,
              targetFileSize,
              this.writer.qualifiedName(),
              taskId,
              index);
      if (newColumns != null) {
        upsert.evolve(newColumns); // columns the source gained: the first commit adds them
      }
      return upsert;
    }
    return new IcebergSinkWriter(
        tableName,
        writeTable,
        writeOps,
        fileSchema,
        targetFileSize,
        writer.qualifiedName(),
        taskId);
  }

  /** How often a writer tries to load its key index before it starts with an empty one. */
  private static final int INDEX_LOAD_ATTEMPTS = 3;

  /**
   * The key index of a new writer, loaded from the table as it is now (after recovery committed
   * what the last checkpoint holds); empty for a branch, whose rows the main line does not show.
   * Maintenance may expire the snapshot being read and delete its files meanwhile: the load is then
   * tried again on the newest snapshot, and after {@value #INDEX_LOAD_ATTEMPTS} failures the writer
   * starts with an empty index (every key's first change is an equality delete, as always correct).
   */
  private KeyIndex loadKeyIndex() {
    org.apache.iceberg.Schema keySchema = writeTable.schema().select(key);
    if (branch != null) {
      return new KeyIndex(keySchema.asStruct(), keyIndexKeys);
    }
    for (int attempt = 1; ; attempt++) {
      long start = System.nanoTime();
      try {
        Table current = catalog.loadTable(TableSetup.identifier(tableName));
        KeyIndex index = KeyIndex.load(current, keySchema, keyIndexKeys);
        LOG.info(
            "Loaded the key index of table {}: {} keys in {} ms",
            tableName,
            index.size(),
            java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        return index;
      } catch (RuntimeException e) {
        if (attempt == INDEX_LOAD_ATTEMPTS) {
          LOG.warn(
              "Could not load the key index of table {} ({}); this writer deletes by equality"
                  + " the keys it has not written yet",
              tableName,
              e.toString());
          return new KeyIndex(keySchema.asStruct(), keyIndexKeys);
        }
        LOG.info(
            "Loading the key index of table {} failed ({}); trying again", tableName, e.toString());
      }
    }
  }

  @Override
  public SinkCommitter committer() {
    return committer;
  }

  @Override
  public void close() {
    if (catalog instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        LOG.warn("Could not close the catalog of table {}: {}", tableName, e.toString());
      }
    }
  }
}
