package io.lakestream.hudi;

import io.lakestream.core.record.Schema;
import io.lakestream.core.sink.Sink;
import io.lakestream.core.sink.SinkCommitter;
import io.lakestream.core.sink.SinkWriter;
import io.lakestream.core.spec.WriterId;
import java.util.UUID;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * One open Hudi table: a staging writer per task ({@link HudiSinkWriter.Upserts} for a keyed upsert
 * table) and one committer. Writers and committer of one process share a session directory for
 * staged rows.
 */
final class HudiSink implements Sink {
  private final HudiTable table;
  private final FileSystem fs;
  private final String tableName;
  private final Schema schema;
  private final Path sessionDir;
  private final HudiCommitter committer;

  HudiSink(
      HudiTable table,
      FileSystem fs,
      String tableName,
      Schema schema,
      WriterId writer,
      TableSync sync) {
    this(table, fs, tableName, schema, writer, sync, HudiCommitter.BATCH_ROWS);
  }

  /**
   * @param batchRows the most records an insert checkpoint hands to one Hudi write call
   */
  HudiSink(
      HudiTable table,
      FileSystem fs,
      String tableName,
      Schema schema,
      WriterId writer,
      TableSync sync,
      int batchRows) {
    this.table = table;
    this.fs = fs;
    this.tableName = tableName;
    this.schema = schema;
    this.sessionDir =
        new Path(StagedRows.writerDir(table.basePath(), writer), UUID.randomUUID().toString());
    this.committer = new HudiCommitter(table, fs, tableName, writer, sessionDir, sync, batchRows);
  }

  @Override
  public String table() {
    return tableName;
  }

  /** Where the table lives and how it is written. */
  HudiTable hudiTable() {
    return table;
  }

  @Override
  public SinkWriter createWriter(int taskId) {
    if (table.config().operation() == HudiSinkOptions.Operation.UPSERT
        && !table.recordKey().isEmpty()) {
      return new HudiSinkWriter.Upserts(
          fs,
          sessionDir,
          schema,
          table.avroSchema(),
          table.recordKey(),
          new RowChecks(table, tableName),
          tableName,
          taskId);
    }
    return new HudiSinkWriter(
        fs,
        sessionDir,
        schema,
        table.avroSchema(),
        table.recordKey().isEmpty(),
        new RowChecks(table, tableName),
        taskId);
  }

  @Override
  public SinkCommitter committer() {
    return committer;
  }

  @Override
  public void close() {}
}
