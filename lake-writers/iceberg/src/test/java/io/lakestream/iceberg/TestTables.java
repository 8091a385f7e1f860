package io.lakestream.iceberg;

import io.lakestream.core.record.Row;
import io.lakestream.core.record.Schema;
import io.lakestream.core.sink.Committable;
import io.lakestream.core.sink.Sink;
import io.lakestream.core.sink.SinkContext;
import io.lakestream.core.sink.SinkWriter;
import io.lakestream.core.spec.WriterId;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.jdbc.JdbcCatalog;

/** Shared test fixture: sink sections, contexts and reading tables back with Iceberg's reader. */
final class TestTables {
  static final String PIPELINE = "orders-to-lake";
  static final String TABLE = "analytics.orders";

  private TestTables() {}

  /** A JDBC catalog on a SQLite file in {@code dir}. */
  static Map<String, Object> catalog(Path dir) {
    Map<String, Object> catalog = new LinkedHashMap<>();
    catalog.put("type", "jdbc");
    catalog.put("uri", "jdbc:sqlite:" + dir.resolve("catalog.db"));
    catalog.put("warehouse", dir.resolve("warehouse").toString());
    return catalog;
  }

  /** A sink section for {@link #TABLE} in {@code dir}, plus {@code extra} options. */
  static Map<String, Object> config(Path dir, Map<String, Object> extra) {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("catalog", catalog(dir));
    config.put("table", TABLE);
    config.putAll(extra);
    return config;
  }

  static SinkContext context(Map<String, Object> config, Schema schema) {
    return new SinkContext(WriterId.of(PIPELINE), config, TABLE, schema, SinkContext.Role.OUTPUT);
  }

  static Sink open(Path dir, Schema schema, Map<String, Object> extra) {
    return new IcebergSinkFactory().open(context(config(dir, extra), schema));
  }

  /** Writes {@code rows} with one writer and returns what it prepared for {@code checkpoint}. */
  static List<Committable> write(Sink sink, int taskId, List<Row> rows, long checkpoint) {
    try (SinkWriter writer = sink.createWriter(taskId)) {
      rows.forEach(writer::write);
      return writer.prepareCommit(checkpoint);
    }
  }

  /** Applies {@code fn} to the table, loaded through a fresh catalog that is closed afterwards. */
  static <T> T inspect(Path dir, Function<Table, T> fn) {
    Map<String, String> props = new LinkedHashMap<>();
    props.put("uri", "jdbc:sqlite:" + dir.resolve("catalog.db"));
    props.put("warehouse", dir.resolve("warehouse").toUri().toString());
    props.put("jdbc.schema-version", "V1");
    try (JdbcCatalog catalog = new JdbcCatalog()) {
      catalog.initialize("lakestream", props);
      return fn.apply(catalog.loadTable(TableIdentifier.parse(TABLE)));
    }
  }

  /** Every row of the table, through Iceberg's generic reader. */
  static List<Record> read(Path dir) {
    return inspect(dir, TestTables::read);
  }

  /** Every row of the table, through Iceberg's generic reader. */
  static List<Record> read(Table table) {
    List<Record> records = new ArrayList<>();
    try (CloseableIterable<Record> it = IcebergGenerics.read(table).build()) {
      it.forEach(r -> records.add(r.copy()));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return records;
  }

  /**
   * A value read by Iceberg's generic reader as plain Java: a record becomes the list of its
   * values, a list the list of its plain elements.
   */
  static Object plain(Object value) {
    if (value instanceof Record r) {
      List<Object> values = new ArrayList<>();
      for (int i = 0; i < r.size(); i++) {
        values.add(plain(r.get(i)));
      }
      return values;
    }
    if (value instanceof List<?> list) {
      List<Object> values = new ArrayList<>();
      list.forEach(v -> values.add(plain(v)));
      return values;
    }
    return value;
  }
}
