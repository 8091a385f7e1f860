package io.lakestream.hudi;

import io.lakestream.core.error.PipelineException;
import io.lakestream.core.record.Row;
import io.lakestream.core.record.Schema;
import io.lakestream.core.sink.Committable;
import io.lakestream.core.sink.SinkWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.UUID;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stages one task's rows for its committer ({@link StagedRows}): phase one of the two-phase commit
 * writes them to a staging file, and {@link #prepareCommit} closes it and names it in a
 * committable. The Hudi write happens once per checkpoint in {@link HudiCommitter}, for all tasks
 * together, so that tasks never write competing versions of one file group into one instant.
 */
class HudiSinkWriter implements SinkWriter {
  private static final Logger LOG = LoggerFactory.getLogger(HudiSinkWriter.class);

  private final FileSystem fs;
  private final Path sessionDir;
  private final Schema schema;
  private final org.apache.avro.Schema avro;
  private final boolean generatedKey;
  private final int taskId;
  private StagedRows.Writer open;

  /**
   * @param sessionDir the directory this process stages into
   * @param schema the rows' schema
   * @param avro the table's Avro schema: the rows' columns, then the generated key if {@code
   *     generatedKey}
   */
  HudiSinkWriter(
      FileSystem fs,
      Path sessionDir,
      Schema schema,
      org.apache.avro.Schema avro,
      boolean generatedKey,
      int taskId) {
    this.fs = fs;
    this.sessionDir = sessionDir;
    this.schema = schema;
    this.avro = avro;
    this.generatedKey = generatedKey;
    this.taskId = taskId;
  }

  @Override
  public void write(Row row) {
    stage(row, false);
  }

  /** Appends {@code row} to this checkpoint's staging file, as a delete if {@code delete}. */
  void stage(Row row, boolean delete) {
    try {
      if (open == null) {
        open =
            new StagedRows.Writer(
                fs,
                new Path(sessionDir, "task-" + taskId + "-" + UUID.randomUUID() + ".avro"),
                avro);
      }
      GenericRecord record = AvroRows.record(row, schema, avro);
      if (generatedKey) {
        // unique and the same when the committer reads the file again after a crash
        record.put(HudiTable.GENERATED_KEY, open.path().getName() + "#" + open.rows());
      }
      open.append(record, delete);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot stage a row in " + sessionDir, e);
    }
  }

  @Override
  public List<Committable> prepareCommit(long checkpointId) {
    if (open == null) {
      return List.of();
    }
    StagedRows.Writer closing = open;
    open = null;
    try {
      closing.close();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot close staging file " + closing.path(), e);
    }
    return List.of(
        new Committable(
            closing.rows(),
            CommittableSerializer.serialize(
                new CommittableSerializer.StagedFile(closing.path().toString(), closing.rows()))));
  }

  @Override
  public void close() {
    if (open != null) {
      try {
        open.close();
      } catch (IOException e) {
        LOG.debug("Could not close staging file {}: {}", open.path(), e.toString());
      }
      open = null;
    }
  }

  /** A writer of a keyed table: every write is an upsert, and rows can be deleted by key. */
  static final class Upserts extends HudiSinkWriter
      implements io.lakestream.core.sink.SupportsDelete {
    private final List<String> key;
    private final int[] keyPositions;
    private final String table;

    Upserts(
        FileSystem fs,
        Path sessionDir,
        Schema schema,
        org.apache.avro.Schema avro,
        List<String> key,
        String table,
        int taskId) {
      super(fs, sessionDir, schema, avro, false, taskId);
      this.key = List.copyOf(key);
      this.keyPositions = key.stream().mapToInt(c -> schema.position(c).getAsInt()).toArray();
      this.table = table;
    }

    @Override
    public void write(Row row) {
      requireKey(row);
      stage(row, false);
    }

    @Override
    public void delete(Row row) {
      requireKey(row);
      stage(row, true);
    }

    @Override
    public List<String> keyColumns() {
      return key;
    }

    private void requireKey(Row row) {
      for (int i = 0; i < keyPositions.length; i++) {
        if (row.get(keyPositions[i]) == null) {
          throw new PipelineException(
              "Key column \"" + key.get(i) + "\" of a row for Hudi table " + table + " is null");
        }
      }
    }
  }
}
