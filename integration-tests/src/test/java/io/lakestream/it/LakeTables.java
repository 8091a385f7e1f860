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
    JdbcCatalog catalog = new JdbcCatalog();
    catalog.initialize(
        "lakestream",
        Map.of(
            CatalogProperties.URI,
            p.catalogUri(),
            CatalogProperties.WAREHOUSE_LOCATION,
            p.warehouse().toUri().toString(),
            "jdbc.schema-version",
            "V1"));
    try {
      return catalog.loadTable(TableIdentifier.parse(table));
    } finally {
      catalog.close();
    }
  }

  static List<Record> rows(TestPipeline p, String table) {
    Table t = load(p, table);
    List<Record> rows = new ArrayList<>();
    try (CloseableIterable<Record> it = IcebergGenerics.read(t).build()) {
      it.forEach(r -> rows.add(r.copy()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return rows;
  }
}
