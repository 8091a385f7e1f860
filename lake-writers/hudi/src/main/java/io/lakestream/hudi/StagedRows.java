package io.lakestream.hudi;

import io.lakestream.catalog.CommitMetadata;
import io.lakestream.core.spec.WriterId;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
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

  /** A staged record read back: the row in the table schema and whether it is a delete. */
  record Staged(GenericRecord row, boolean delete) {}

  /** Reads a staging file, in the order its rows were written, as records of {@code table}. */
  static List<Staged> read(FileSystem fs, Path path, Schema table) throws IOException {
    List<Staged> rows = new ArrayList<>();
    try (InputStream in = fs.open(path);
        DataFileStream<GenericRecord> records =
            new DataFileStream<>(in, new GenericDatumReader<>())) {
      int n = table.getFields().size();
      for (GenericRecord r : records) {
        GenericData.Record row = new GenericData.Record(table);
        for (int i = 0; i < n; i++) {
          row.put(i, r.get(table.getFields().get(i).name()));
        }
        rows.add(new Staged(row, (Boolean) r.get(DELETE)));
      }
    }
    return rows;
  }
}
