package io.lakestream.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.cli.embedded.EmbeddedKafkaBroker;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Trino reads what a pipeline wrote, through the catalog file {@code lakestream trino-catalog}
 * prints: an upsert table whose second run updates and deletes rows of the first (equality deletes
 * Trino must apply) and a dead-letter table, on the embedded default catalog (JDBC on SQLite) and
 * on PostgreSQL. Expected rows come from what the test produced.
 */
@ExtendWith({KafkaBroker.class, Postgres.class, SharedTrino.class})
class TrinoQueryTest {
  private static final int EVENTS = 200;
  private static final int BAD = 4;
  private static final int UPDATED = 50;
  private static final List<Long> DELETED = List.of(100L, 101L, 150L, 199L);

  private static final Path EXAMPLES = Path.of(System.getProperty("lakestream.it.trino.examples"));

  @TempDir Path dir;

  @Test
  void trinoReadsTheFinalUpsertStateAndDeadLettersFromTheSqliteCatalog(
      EmbeddedKafkaBroker broker, TrinoServer trino) throws Exception {
    TestPipeline p = TestPipeline.of(dir, broker.bootstrapServers(), "trino-sqlite");
    upsertAndQuery(broker, trino, p, "it_sqlite");
  }

  @Test
  void trinoReadsTheFinalUpsertStateAndDeadLettersFromThePostgresCatalog(
      EmbeddedKafkaBroker broker, PostgresServer pg, TrinoServer trino) throws Exception {
    TestPipeline p =
        TestPipeline.of(dir, broker.bootstrapServers(), "trino-postgres")
            .withCatalog(
                Map.of(
                    "uri",
                    pg.createDatabase("lakestream_catalog"),
                    "jdbc.user",
                    pg.user(),
                    "jdbc.password",
                    pg.password()));
    // Trino reads the password from its environment (TrinoServer sets the variable), never in clear
    Path catalogFile = upsertAndQuery(broker, trino, p, "it_postgres");

    // the folder's example is what the command prints, but for the catalog's name and location
    Path example = EXAMPLES.resolve("catalog/lakestream-postgresql.properties");
    assertThat(properties(catalogFile))
        .isEqualTo(
            properties(example).stream()
                .map(
                    line ->
                        line.replace("127.0.0.1:5432", "127.0.0.1:" + pg.port())
                            .replace("/path/to/lakestream/warehouse", p.warehouse().toString()))
                .toList());
  }

  /** The {@code key=value} lines of a catalog file. */
  private static List<String> properties(Path file) throws Exception {
    return Files.readAllLines(file).stream().filter(l -> !l.startsWith("#")).toList();
  }

  /** Runs the pipeline twice, then queries its tables; returns the catalog file Trino loaded. */
  private Path upsertAndQuery(
      EmbeddedKafkaBroker broker, TrinoServer trino, TestPipeline plain, String catalog)
      throws Exception {
    TestPipeline p = plain.withPolicy("dead-letter").withPartitionBy("[\"bucket(4, event_id)\"]");
    String servers = broker.bootstrapServers();
    broker.createTopic(p.topic(), 1);
    Map<Long, BigDecimal> expected = new TreeMap<>();
    TestEvents.produceToPartition(servers, p.topic(), 0, 0, EVENTS)
        .ids()
        .forEach(id -> expected.put(id, TestEvents.amount(id)));
    List<byte[]> bad = new ArrayList<>();
    for (int i = 0; i < BAD; i++) {
      bad.add(("{\"event_id\": " + i + ", \"amount\": ").getBytes(StandardCharsets.UTF_8));
    }
    TestEvents.produceValues(servers, p.topic(), 0, bad);
    Path spec =
        p.writeSpec(
            "    table: " + TestPipeline.TABLE + " =>     mode: upsert\n    key: [event_id]");
    runToEnd(p, spec);

    // the second run replaces rows of the first: updates and deletes of committed keys
    List<byte[]> updates = new ArrayList<>();
    for (long id = 0; id < UPDATED; id++) {
      BigDecimal amount = TestEvents.amount(id).add(new BigDecimal("1000.00"));
      updates.add(
          TestEvents.json(id)
              .replace(
                  "\"amount\":" + TestEvents.amount(id).toPlainString(),
                  "\"amount\":" + amount.toPlainString())
              .getBytes(StandardCharsets.UTF_8));
      expected.put(id, amount);
    }
    TestEvents.produceValues(servers, p.topic(), 0, updates);
    for (long id : DELETED) {
      TestEvents.produceTombstone(servers, p.topic(), 0, "{\"event_id\": " + id + "}");
      expected.remove(id);
    }
    runToEnd(p, spec);

    Path catalogFile = trino.createCatalogFor(spec, catalog, p.dir());
    assertThat(Files.readString(catalogFile)).doesNotContain(PostgresServer.PASSWORD);

    try (Connection c = trino.connect();
        Statement s = c.createStatement()) {
      Map<Long, BigDecimal> rows = new TreeMap<>();
      try (ResultSet r =
          s.executeQuery("SELECT event_id, amount FROM " + catalog + ".it.events ORDER BY 1")) {
        while (r.next()) {
          rows.put(r.getLong(1), r.getBigDecimal(2));
        }
      }
      assertThat(rows).isEqualTo(expected);
      assertThat(
              single(
                  s,
                  "SELECT sum(amount) FROM " + catalog + ".it.events WHERE event_id < " + UPDATED))
          .isEqualTo(
              expected.entrySet().stream()
                  .filter(e -> e.getKey() < UPDATED)
                  .map(Map.Entry::getValue)
                  .reduce(BigDecimal.ZERO, BigDecimal::add));
      // the second run's changes are equality deletes, which Trino applied above
      assertThat(
              (Long)
                  single(
                      s,
                      "SELECT count(*) FROM " + catalog + ".it.\"events$files\" WHERE content = 2"))
          .isPositive();
      assertThat(single(s, "SELECT count(*) FROM " + catalog + ".it.events_dead_letter"))
          .isEqualTo((long) BAD);
    }
    return catalogFile;
  }

  private static void runToEnd(TestPipeline p, Path spec) throws Exception {
    try (PipelineProcess run =
        PipelineProcess.start(
            p.dir().resolve("logs"), List.of(), "run", spec.toString(), "--stop-at-end")) {
      assertThat(run.waitFor(Duration.ofMinutes(3))).as(run.tail()).isZero();
    }
  }

  private static Object single(Statement s, String sql) throws SQLException {
    try (ResultSet r = s.executeQuery(sql)) {
      assertThat(r.next()).as(sql).isTrue();
      return r.getObject(1);
    }
  }
}
