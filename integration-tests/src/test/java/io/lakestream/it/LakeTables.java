package io.lakestream.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.apache.iceberg.rest.RESTCatalog;

/**
 * Reads tables the way an independent reader would: Iceberg's own catalogs (JDBC, or REST for a
 * pipeline on a REST catalog) and generic reader, nothing of lakestream's.
 */
final class LakeTables {
  /** One client per REST catalog server, kept for the run: tables read through it use its files. */
  private static final Map<String, Catalog> REST_CATALOGS = new ConcurrentHashMap<>();

  private LakeTables() {}

  static Table load(TestPipeline p, String table) {
    if ("rest".equals(p.catalog().get("type"))) {
      return restCatalog(p.catalog().get("uri")).loadTable(TableIdentifier.parse(table));
    }
    return load(p.warehouse(), p.catalog(), table);
  }

  /** Iceberg's REST catalog client for the server at {@code uri}. */
  static Catalog restCatalog(String uri) {
    return REST_CATALOGS.computeIfAbsent(
        uri,
        u -> {
          RESTCatalog catalog = new RESTCatalog();
          catalog.setConf(new Configuration());
          catalog.initialize("lakestream", Map.of(CatalogProperties.URI, u));
          return catalog;
        });
  }

  /** The table in the warehouse at {@code warehouse} with its SQLite catalog {@code catalog.db}. */
  static Table load(java.nio.file.Path warehouse, String table) {
    return load(warehouse, Map.of("uri", "jdbc:sqlite:" + warehouse.resolve("catalog.db")), table);
  }

  private static Table load(
      java.nio.file.Path warehouse, Map<String, String> connection, String table) {
    try (JdbcCatalog catalog = catalog(warehouse, connection)) {
      return catalog.loadTable(TableIdentifier.parse(table));
    }
  }

  /**
   * Iceberg's JDBC catalog of the tables in {@code warehouse}, which the caller closes.
   *
   * @param connection {@code uri} and any {@code jdbc.} properties, as in a spec's catalog section;
   *     a {@code warehouse} there (on S3, with its {@code s3.} properties) wins over {@code
   *     warehouse}
   */
  static JdbcCatalog catalog(java.nio.file.Path warehouse, Map<String, String> connection) {
    Map<String, String> props = new HashMap<>(connection);
    props.putIfAbsent(CatalogProperties.WAREHOUSE_LOCATION, warehouse.toUri().toString());
    if (props.get(CatalogProperties.WAREHOUSE_LOCATION).startsWith("s3://")) {
      props.putIfAbsent(CatalogProperties.FILE_IO_IMPL, "org.apache.iceberg.aws.s3.S3FileIO");
    }
    props.put("jdbc.schema-version", "V1");
    JdbcCatalog catalog = new JdbcCatalog();
    catalog.initialize("lakestream", props);
    return catalog;
  }

  /**
   * The source positions that the newest pipeline commit in {@code t} records, by split ({@code
   * topic:partition}): the offsets after the last record each covers. Empty before the first
   * commit; commits of other writers are passed over.
   */
  static Map<String, Long> positions(Table t) {
    for (Snapshot s = t.currentSnapshot();
        s != null;
        s = s.parentId() == null ? null : t.snapshot(s.parentId())) {
      String encoded = s.summary().get("lakestream.source-positions");
      if (encoded != null) {
        Map<String, Long> positions = new HashMap<>();
        for (String part : encoded.isEmpty() ? new String[0] : encoded.split(",")) {
          int eq = part.lastIndexOf('=');
          positions.put(part.substring(0, eq), Long.parseLong(part.substring(eq + 1)));
        }
        return positions;
      }
    }
    return Map.of();
  }

  /**
   * The sum of {@link #positions}: for topics that began at offset 0, how many records the table
   * covers.
   */
  static long positionsSum(Table t) {
    return positions(t).values().stream().mapToLong(Long::longValue).sum();
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
