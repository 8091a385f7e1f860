package io.lakestream.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.jdbc.JdbcCatalog;

/**
 * Reads tables the way an independent reader would: Iceberg's own JDBC catalog and generic reader,
 * nothing of lakestream's.
 */
final class LakeTables {
  private LakeTables() {}

  static Table load(TestPipeline p, String table) {
    return load(p.warehouse(), table);
  }

  /** The table in the warehouse at {@code warehouse} with its SQLite catalog {@code catalog.db}. */
  static Table load(java.nio.file.Path warehouse, String table) {
    JdbcCatalog catalog = new JdbcCatalog();
    catalog.initialize(
        "lakestream",
        Map.of(
            CatalogProperties.URI,
            "jdbc:sqlite:" + warehouse.resolve("catalog.db"),
            CatalogProperties.WAREHOUSE_LOCATION,
            warehouse.toUri().toString(),
            "jdbc.schema-version",
            "V1"));
    try {
      return catalog.loadTable(TableIdentifier.parse(table));
    } finally {
      catalog.close();
    }
  }

  static List<Record> rows(TestPipeline p, String table) {
    return rows(load(p, table));
  }

  /** Every row of {@code t}, read with Iceberg's generic reader. */
  static List<Record> rows(Table t) {
    List<Record> rows = new ArrayList<>();
    try (CloseableIterable<Record> it = IcebergGenerics.read(t).build()) {
      it.forEach(r -> rows.add(r.copy()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return rows;
  }

  /** The event ids in the pipeline's output table, sorted, duplicates kept. */
  static List<Long> eventIds(TestPipeline p) {
    return rows(p, TestPipeline.TABLE).stream()
        .map(r -> (Long) r.getField("event_id"))
        .sorted()
        .toList();
  }
}
