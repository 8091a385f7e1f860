package io.lakestream.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.hudi.HudiSnapshotReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several PostgreSQL tables into Hudi with {@code table: lake.*}: each lake table is a Hudi table
 * of its own below {@code path}, read back with Hudi's reader and compared with the source.
 */
@ExtendWith(Postgres.class)
class HudiRoutedCdcTest {
  @TempDir Path dir;

  @Test
  void eachSourceTableGetsItsOwnHudiTableBelowPath(PostgresServer pg) throws Exception {
    String db = "cdc_hudi_routes";
    pg.createDatabase(db);
    try (Connection c = pg.connect(db);
        Statement s = c.createStatement()) {
      for (String t : List.of("orders", "customers")) {
        s.execute("CREATE TABLE " + t + " (id bigint PRIMARY KEY, label text)");
      }
      s.execute("INSERT INTO orders SELECT g, 'o-' || g FROM generate_series(1, 60) g");
      s.execute("INSERT INTO customers SELECT g, 'c-' || g FROM generate_series(1, 25) g");
      Path lake = dir.resolve("warehouse/hudi/lake").toAbsolutePath();
      Path spec = dir.resolve("routes.yaml");
      Files.writeString(
          spec,
          String.join(
              "\n",
              "pipeline: cdc-hudi-routes",
              "source:",
              "  postgres:",
              "    url: \"" + pg.jdbcUrl(db) + "\"",
              "    user: " + pg.user(),
              "    password: \"" + pg.password() + "\"",
              "    tables: [public.orders, public.customers]",
              "    slot: slot_hudi_routes",
              "sink:",
              "  hudi:",
              "    path: \"" + lake + "\"",
              "    table: \"lake.*\"",
              "checkpoint: {interval: 500ms, dir: \""
                  + dir.resolve("state").toAbsolutePath()
                  + "\"}",
              ""));

      runBounded(spec, "1");
      s.execute("UPDATE orders SET label = 'changed' WHERE id % 7 = 0");
      s.execute("DELETE FROM orders WHERE id % 5 = 0");
      s.execute("INSERT INTO customers VALUES (26, 'c-26')");
      s.execute("DELETE FROM customers WHERE id = 3");
      runBounded(spec, "2");

      assertThat(labels(lake.resolve("orders")))
          .isEqualTo(PostgresCdcTest.sourceLabels(c, "SELECT id, label FROM orders"));
      assertThat(labels(lake.resolve("customers")))
          .isEqualTo(PostgresCdcTest.sourceLabels(c, "SELECT id, label FROM customers"));
    }
  }

  private void runBounded(Path spec, String name) throws Exception {
    try (PipelineProcess p =
        PipelineProcess.start(
            dir.resolve("logs-" + name), List.of(), "run", spec.toString(), "--stop-at-end")) {
      assertThat(p.waitFor(Duration.ofMinutes(3))).as(p.tail()).isZero();
    }
  }

  private static Map<Long, String> labels(Path table) {
    Map<Long, String> result = new TreeMap<>();
    for (Map<String, Object> r : HudiSnapshotReader.read(table.toUri().toString())) {
      assertThat(result.put((Long) r.get("id"), (String) r.get("label")))
          .as("%s has two rows with id %s", table, r.get("id"))
          .isNull();
    }
    return result;
  }
}
