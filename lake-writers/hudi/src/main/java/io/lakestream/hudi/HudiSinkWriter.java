package io.lakestream.hudi;

import io.lakestream.core.error.RecordException;
import io.lakestream.core.record.Row;
import io.lakestream.core.record.Schema;
import io.lakestream.core.sink.Committable;
import io.lakestream.core.sink.SinkWriter;
import io.lakestream.core.sink.SupportsDelete;
import io.lakestream.core.sink.SupportsSchemaChange;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
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
 *
 * <p>A row Hudi would reject is refused before it is staged ({@link RowChecks}), with a {@link
 * RecordException} for the pipeline's error policy, so the checkpoint's instant never fails on it.
 */
class HudiSinkWriter implements SinkWriter {
  private static final Logger LOG = LoggerFactory.getLogger(HudiSinkWriter.class);

  private final FileSystem fs;
  private final Path sessionDir;
  private final boolean generatedKey;
  private final int taskId;
  private final RowChecks checks;

  /** Staging files of this checkpoint closed early because the rows changed shape. */
  private final List<StagedRows.Writer> closed = new ArrayList<>();

  private Schema schema;
  private org.apache.avro.Schema avro;
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
      RowChecks checks,
      int taskId) {
    this.fs = fs;
    this.sessionDir = sessionDir;
    this.schema = schema;
    this.avro = avro;
    this.generatedKey = generatedKey;
    this.checks = checks;
    this.taskId = taskId;
  }

  /**
   * Stages {@code row}.
   *
   * @throws RecordException if Hudi would reject the row; nothing is staged
   */
  @Override
  public void write(Row row) {
    stage(row, false);
  }

  /** Appends {@code row} to this checkpoint's staging file, as a delete if {@code delete}. */
  void stage(Row row, boolean delete) {
    GenericRecord record = AvroRows.record(row, schema, avro);
    try {
      if (open == null) {
        open =
            new StagedRows.Writer(
                fs,
                new Path(sessionDir, "task-" + taskId + "-" + UUID.randomUUID() + ".avro"),
                avro);
      }
      if (generatedKey) {
        // unique and the same when the committer reads the file again after a crash
        record.put(HudiTable.GENERATED_KEY, open.path().getName() + "#" + open.rows());
      }
      checks.check(record, delete);
      open.append(record, delete);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot stage a row in " + sessionDir, e);
    }
  }

  /** From the next row on, rows have {@code next} and are staged in a file of its Avro schema. */
  void reshape(Schema next, org.apache.avro.Schema nextAvro) {
    closeOpen();
    schema = next;
    avro = nextAvro;
  }

  org.apache.avro.Schema avroSchema() {
    return avro;
  }

  private void closeOpen() {
    if (open == null) {
      return;
    }
    StagedRows.Writer closing = open;
    open = null;
    try {
      closing.close();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot close staging file " + closing.path(), e);
    }
    closed.add(closing);
  }

  @Override
  public List<Committable> prepareCommit(long checkpointId) {
    closeOpen();
    List<Committable> committables = new ArrayList<>();
    for (StagedRows.Writer file : closed) {
      if (file.rows() == 0) {
        deleteQuietly(file.path()); // its only row was refused
        continue;
      }
      committables.add(
          new Committable(
              file.rows(),
              CommittableSerializer.serialize(
                  new CommittableSerializer.StagedFile(file.path().toString(), file.rows()))));
    }
    closed.clear();
    return committables;
  }

  private void deleteQuietly(Path path) {
    try {
      fs.delete(path, false);
    } catch (IOException e) {
      LOG.debug("Could not delete empty staging file {}: {}", path, e.toString());
    }
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

  /**
   * A writer of a keyed table: every write is an upsert, rows can be deleted by key, and the rows
   * may gain columns (a change source's table did).
   */
  static final class Upserts extends HudiSinkWriter
      implements SupportsDelete, SupportsSchemaChange {
    private final List<String> key;
    private final int[] keyPositions;
    private final String table;

    Upserts(
        FileSystem fs,
        Path sessionDir,
        Schema schema,
        org.apache.avro.Schema avro,
        List<String> key,
        RowChecks checks,
        String table,
        int taskId) {
      super(fs, sessionDir, schema, avro, false, checks, taskId);
      this.key = List.copyOf(key);
      this.keyPositions = key.stream().mapToInt(c -> schema.position(c).getAsInt()).toArray();
      this.table = table;
    }

    /**
     * Stages an upsert of {@code row}.
     *
     * @throws RecordException if a key column is null or Hudi would reject the row
     */
    @Override
    public void write(Row row) {
      requireKey(row);
      stage(row, false);
    }

    /**
     * Stages a delete of the key of {@code row}.
     *
     * @throws RecordException if a key column is null or Hudi would reject the key
     */
    @Override
    public void delete(Row row) {
      requireKey(row);
      stage(row, true);
    }

    @Override
    public List<String> keyColumns() {
      return key;
    }

    /**
     * The staging file written so far stays part of the checkpoint; later rows are staged with the
     * new shape, and the committer widens the table's schema in the instant that writes them.
     *
     * @throws io.lakestream.core.error.PipelineException if a column was renamed, moved or narrowed
     */
    @Override
    public void evolve(Schema newSchema) {
      org.apache.avro.Schema next = AvroRows.schema(newSchema, avroSchema().getName());
      SchemaEvolution.requireWidening(avroSchema(), next, table);
      reshape(newSchema, next);
    }

    private void requireKey(Row row) {
      for (int i = 0; i < keyPositions.length; i++) {
        if (row.get(keyPositions[i]) == null) {
          throw new RecordException(
              "Hudi table "
                  + table
                  + " rejects the row: its key column \""
                  + key.get(i)
                  + "\" is null");
        }
      }
    }
  }
}
