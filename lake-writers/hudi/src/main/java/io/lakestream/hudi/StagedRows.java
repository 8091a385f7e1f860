package io.lakestream.hudi;

import io.lakestream.catalog.CommitMetadata;
import io.lakestream.core.spec.WriterId;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The rows a writer hands to its committer: Avro files beside the table, in {@code
 * .hoodie/lakestream/staging/<writer>/<session>/}, one per task and checkpoint. Each record is a
 * row of the table plus {@value #DELETE}, true when the row is a delete by key. Hudi never touches
 * these files, so its rollbacks and cleaning cannot delete what a persisted checkpoint will commit;
 * the committer deletes a file once its checkpoint is in the table, and a session's leftovers once
 * a later session has committed.
 */
final class StagedRows {
  /** The field that marks a staged record as a delete. */
  static final String DELETE = "_lakestream_delete";

  private StagedRows() {}

  /** The staging directory of {@code writer}, holding one directory per session. */
  static Path writerDir(String basePath, WriterId writer) {
    return new Path(
        new Path(basePath, HudiTable.LAKESTREAM_DIR + "/staging"),
        URLEncoder.encode(CommitMetadata.epochProperty(writer), StandardCharsets.UTF_8));
  }

  /** The schema of staged records: the table's fields, then {@value #DELETE}. */
  static Schema schema(Schema table) {
    List<Schema.Field> fields = new ArrayList<>();
    for (Schema.Field f : table.getFields()) {
      fields.add(new Schema.Field(f, f.schema()));
    }
    fields.add(new Schema.Field(DELETE, Schema.create(Schema.Type.BOOLEAN), null, false));
    return Schema.createRecord(
        table.getName() + "_staged", null, table.getNamespace(), false, fields);
  }

  /** One open staging file. */
  static final class Writer implements AutoCloseable {
    private final Path path;
    private final Schema staged;
    private final DataFileWriter<GenericRecord> out;
    private long rows;

    Writer(FileSystem fs, Path path, Schema table) throws IOException {
      this.path = path;
      this.staged = schema(table);
      this.out = new DataFileWriter<>(new GenericDatumWriter<GenericRecord>(staged));
      out.create(staged, fs.create(path, false));
    }

    /** Appends {@code row} (a record of the table schema), as a delete if {@code delete}. */
    void append(GenericRecord row, boolean delete) throws IOException {
      GenericData.Record record = new GenericData.Record(staged);
      int n = row.getSchema().getFields().size();
      for (int i = 0; i < n; i++) {
        record.put(i, row.get(i));
      }
      record.put(n, delete);
      out.append(record);
      rows++;
    }

    Path path() {
      return path;
    }

    long rows() {
      return rows;
    }

    @Override
    public void close() throws IOException {
      out.close();
    }
  }

  /**
   * A staged record read back: the row (a record of its file's schema, which has the table's
   * columns as they were when it was staged, then {@value #DELETE}) and whether it is a delete.
   */
  record Staged(GenericRecord row, boolean delete) {}

  /**
   * Reads one staging file row by row, so that a checkpoint's rows are never all in memory at once.
   */
  static final class Reader implements AutoCloseable {
    private final DataFileStream<GenericRecord> records;
    private final Schema schema;

    Reader(FileSystem fs, Path path) throws IOException {
      InputStream in = fs.open(path);
      try {
        this.records = new DataFileStream<>(in, new GenericDatumReader<>());
      } catch (IOException | RuntimeException e) {
        in.close();
        throw e;
      }
      this.schema = tableColumns(records.getSchema());
    }

    /** The table's columns as this file's rows have them. */
    Schema schema() {
      return schema;
    }

    /** The next row, or null after the last. */
    Staged next() throws IOException {
      try {
        if (!records.hasNext()) {
          return null;
        }
        GenericRecord r = records.next();
        return new Staged(r, (Boolean) r.get(DELETE));
      } catch (AvroRuntimeException e) { // how Avro's iterator reports a failed read
        throw new IOException(e.getMessage(), e);
      }
    }

    @Override
    public void close() throws IOException {
      records.close();
    }
  }

  /** The staged schema without {@value #DELETE}. */
  private static Schema tableColumns(Schema staged) {
    List<Schema.Field> fields = new ArrayList<>();
    for (Schema.Field f : staged.getFields()) {
      if (!f.name().equals(DELETE)) {
        fields.add(new Schema.Field(f, f.schema()));
      }
    }
    String name = staged.getName().substring(0, staged.getName().length() - "_staged".length());
    return Schema.createRecord(name, null, staged.getNamespace(), false, fields);
  }
}
