package io.lakestream.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lakestream.cli.embedded.EmbeddedKafkaBroker;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The catalog of a running pipeline cannot be reached: its PostgreSQL server is stopped for 30 s,
 * or another process holds its SQLite file locked for 10 s. The pipeline rides it out without a
 * restart: it says so once in the log and meanwhile on the status line, retries the commit, and
 * once the catalog answers again every event is in the table exactly once.
 */
@ExtendWith(KafkaBroker.class)
class CatalogOutageTest {
  private static final int EVENTS = 10_000;

  @TempDir Path dir;

  @Test
  void aPostgresCatalogStoppedFor30SecondsIsRiddenOut(EmbeddedKafkaBroker broker) throws Exception {
    String topic = "catalog-postgres-stopped";
    broker.createTopic(topic, 2);
    String servers = broker.bootstrapServers();
    TestEvents.produce(servers, topic, 0, EVENTS, 0);
    // a cluster of its own: the run's shared one stays up for the other tests
    try (PostgresServer pg = PostgresServer.start()) {
      TestPipeline p =
          TestPipeline.of(dir, servers, topic)
              .withCatalog(
                  Map.of(
                      "uri",
                      pg.createDatabase("catalog"),
                      "jdbc.user",
                      pg.user(),
                      "jdbc.password",
                      pg.password()));
      Path spec = p.writeSpec();
      try (PipelineProcess run = startWithStatus(spec)) {
        run.awaitCommitted(p, EVENTS);
        pg.stop();
        long stopped = System.nanoTime();
        TestEvents.produce(servers, topic, EVENTS, EVENTS, 0);
        awaitRetrying(run);

        // a command that needs the catalog meanwhile fails at once, saying why
        try (PipelineProcess tables =
            PipelineProcess.start(
                dir.resolve("logs"), List.of(), "tables", "--spec", spec.toString())) {
          assertThat(tables.waitFor(Duration.ofSeconds(30))).as(tables.tail()).isEqualTo(1);
          assertThat(tables.stderr().lines().filter(l -> l.startsWith("error: ")))
              .as(tables.tail())
              .singleElement()
              .asString()
              .startsWith("error: Cannot load Iceberg catalog \"lakestream\" of type jdbc")
              .contains("jdbc.password=******", "Connection to 127.0.0.1:" + pg.port() + " refused")
              .doesNotContain(pg.password())
              .endsWith(
                  "The database server closed the connection or cannot be reached: check that it"
                      + " is up and reachable, then run again: the run resumes from its last"
                      + " committed checkpoint and nothing is lost.");
        }

        await()
            .atMost(Duration.ofSeconds(40))
            .failFast("the pipeline exited", () -> !run.isAlive())
            .until(() -> System.nanoTime() - stopped >= Duration.ofSeconds(30).toNanos());
        pg.startAgain();
        run.awaitCommitted(p, 2 * EVENTS);
        assertRiddenOut(run);
      }
      assertEveryEventOnce(p, 2 * EVENTS);
    }
  }

  @Test
  void aSqliteCatalogLockedFor10SecondsIsRiddenOut(EmbeddedKafkaBroker broker) throws Exception {
    String topic = "catalog-sqlite-locked";
    broker.createTopic(topic, 2);
    String servers = broker.bootstrapServers();
    TestEvents.produce(servers, topic, 0, EVENTS, 0);
    TestPipeline p = TestPipeline.of(dir, servers, topic);

    try (PipelineProcess run = startWithStatus(p.writeSpec())) {
      run.awaitCommitted(p, EVENTS);
      try (Connection other = DriverManager.getConnection(p.catalogUri());
          Statement s = other.createStatement()) {
        s.execute("BEGIN EXCLUSIVE");
        long locked = System.nanoTime();
        TestEvents.produce(servers, topic, EVENTS, EVENTS, 0);
        awaitRetrying(run);
        await()
            .atMost(Duration.ofSeconds(20))
            .failFast("the pipeline exited", () -> !run.isAlive())
            .until(() -> System.nanoTime() - locked >= Duration.ofSeconds(10).toNanos());
        s.execute("ROLLBACK");
      }
      run.awaitCommitted(p, 2 * EVENTS);
      assertRiddenOut(run);
    }
    assertEveryEventOnce(p, 2 * EVENTS);
  }

  private PipelineProcess startWithStatus(Path spec) throws Exception {
    return PipelineProcess.start(
        dir.resolve("logs"), List.of(), "run", spec.toString(), "--status-interval", "1s");
  }

  /** The status line says the commit is being retried. */
  private static void awaitRetrying(PipelineProcess run) {
    await()
        .atMost(Duration.ofSeconds(30))
        .failFast("the pipeline exited", () -> !run.isAlive())
        .until(() -> run.stderr().contains("| retrying to commit checkpoint "));
  }

  /**
   * Stops the run, which exits 0, and checks that it told of the outage once when it began and once
   * when it ended, without an error or a stack trace.
   */
  private static void assertRiddenOut(PipelineProcess run) throws Exception {
    run.terminate();
    assertThat(run.waitFor(Duration.ofMinutes(1))).as(run.tail()).isZero();
    String stderr = run.stderr();
    assertThat(stderr.lines().filter(l -> l.contains(" WARN ")))
        .as(stderr)
        .singleElement()
        .asString()
        .contains("Could not commit checkpoint ")
        .contains("Trying again for up to 5m");
    assertThat(stderr.lines().filter(l -> l.contains("Could commit checkpoint ")))
        .as(stderr)
        .hasSize(1);
    assertThat(stderr).doesNotContain("error:").doesNotContain("\tat ");
  }

  private static void assertEveryEventOnce(TestPipeline p, int events) {
    assertThat(LakeTables.eventIds(p)).isEqualTo(LongStream.range(0, events).boxed().toList());
  }
}
