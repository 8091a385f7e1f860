package io.lakestream.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestream.cli.embedded.EmbeddedKafkaBroker;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Trino 476's Hudi connector reads the Hudi tables {@code lakestream run} writes, registered by the
 * sink's {@code sync: {type: trino-file-metastore}} and queried through the catalog file {@code
 * lakestream trino-catalog} prints. Each pipeline runs in a child JVM that is killed with SIGKILL
 * once at a random moment, restarted, and finally run to the end of its input; Trino's answers are
 * compared with what the test produced.
 *
 * <ul>
 *   <li>Copy-on-write, {@code insert}, partitioned by {@code category}: every event once, the
 *       count, sum and per-category figures; {@code lakestream describe} and {@code tables} show
 *       the table from its spec, every instant with a checkpoint of its own.
 *   <li>Merge-on-read, {@code upsert} by user, partitioned by {@code category}, compacted after
 *       every delta commit: Trino reads merge-on-read tables read-optimized (base files only), so
 *       once compaction has run it must see each user's newest event.
 * </ul>
 */
@ExtendWith({KafkaBroker.class, SharedTrino.class})
class TrinoHudiTest {
  private static final int EVENTS = 4_000;
  private static final int USERS = 1000; // TestEvents: user_id = event_id % 1000
  private static final String[] CATEGORIES = {"books", "games", "garden", "music", "toys"};
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void trinoReadsACopyOnWriteTableWrittenAcrossAKill(EmbeddedKafkaBroker broker, TrinoServer trino)
      throws Exception {
    Path spec =
        spec(
            broker,
            "hudi-trino-cow",
            "    type: copy-on-write\n    operation: insert\n    record-key: [event_id]\n");
    List<Long> ids = runWithKill(broker, "hudi-trino-cow", spec);
    trino.createCatalogFor(spec, "hudi_cow", dir);

    BigDecimal sum = ids.stream().map(TestEvents::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
    assertThat(
            TrinoRows.query(
                trino,
                "SELECT count(*) AS n, count(DISTINCT event_id) AS ids, sum(amount) AS total,"
                    + " min(event_id) AS lo, max(event_id) AS hi FROM hudi_cow.it.events"))
        .containsExactly(
            Map.of(
                "n",
                (long) EVENTS,
                "ids",
                (long) EVENTS,
                "total",
                sum,
                "lo",
                0L,
                "hi",
                EVENTS - 1L));
    Map<String, Long> perCategory = new TreeMap<>();
    Map<String, BigDecimal> sumPerCategory = new TreeMap<>();
    for (long id : ids) {
      perCategory.merge(category(id), 1L, Long::sum);
      sumPerCategory.merge(category(id), TestEvents.amount(id), BigDecimal::add);
    }
    List<Map<String, Object>> expected = new ArrayList<>();
    perCategory.forEach(
        (c, n) -> expected.add(Map.of("category", c, "n", n, "total", sumPerCategory.get(c))));
    assertThat(
            TrinoRows.query(
                trino,
                "SELECT category, count(*) AS n, sum(amount) AS total FROM hudi_cow.it.events"
                    + " GROUP BY category ORDER BY category"))
        .isEqualTo(expected);

    // describe reads the same table through its spec; cleans and rollbacks record no checkpoint
    JsonNode d =
        JSON.readTree(lakestream("describe", "--spec", spec.toString(), "it.events", "--json"));
    assertThat(d.get("format").asText()).isEqualTo("Hudi");
    assertThat(d.get("format_version").asInt()).isEqualTo(8);
    assertThat(d.get("details").get("table type").asText()).isEqualTo("COPY_ON_WRITE");
    assertThat(d.get("partitioning").asText()).isEqualTo("category");
    assertThat(d.get("current").get("live_rows").asLong()).isEqualTo(EVENTS);
    List<Long> checkpoints = new ArrayList<>();
    for (JsonNode s : d.get("snapshots")) {
      if (!s.get("checkpoint").isNull()) {
        assertThat(s.get("operation").asText()).isEqualTo("commit");
        checkpoints.add(s.get("checkpoint").asLong());
      }
    }
    assertThat(checkpoints)
        .isNotEmpty()
        .doesNotHaveDuplicates()
        .isSortedAccordingTo((a, b) -> Long.compare(b, a));
    assertThat(lakestream("tables", "--spec", spec.toString()).lines()).containsExactly("events");
  }

  /** Runs a lakestream command to its end; returns what it printed. */
  private String lakestream(String... args) throws Exception {
    try (PipelineProcess p = PipelineProcess.start(dir.resolve("logs"), List.of(), args)) {
      assertThat(p.waitFor(Duration.ofMinutes(1))).as(p.tail()).isZero();
      return p.stdout();
    }
  }

  @Test
  void trinoReadsACompactedMergeOnReadUpsertTableWrittenAcrossAKill(
      EmbeddedKafkaBroker broker, TrinoServer trino) throws Exception {
    // category = id % 5 = user_id % 5, so a user never changes partition
    Path spec =
        spec(
            broker,
            "hudi-trino-mor",
            "    type: merge-on-read\n"
                + "    operation: upsert\n"
                + "    record-key: [user_id, category]\n"
                + "    ordering-field: event_id\n"
                + "    compact-every: 1\n");
    List<Long> ids = runWithKill(broker, "hudi-trino-mor", spec);
    trino.createCatalogFor(spec, "hudi_mor", dir);

    Map<Long, Long> newest = new TreeMap<>();
    ids.forEach(id -> newest.merge(id % USERS, id, Math::max));
    BigDecimal sum =
        newest.values().stream().map(TestEvents::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
    Map<Long, Long> seen = new TreeMap<>();
    for (Map<String, Object> row :
        TrinoRows.query(
            trino, "SELECT user_id, event_id, category FROM hudi_mor.it.events ORDER BY user_id")) {
      long user = (Long) row.get("user_id");
      assertThat(seen.put(user, (Long) row.get("event_id"))).as("user %d twice", user).isNull();
      assertThat(row.get("category")).isEqualTo(category(user));
    }
    assertThat(seen).isEqualTo(newest);
    assertThat(
            TrinoRows.query(
                trino, "SELECT count(*) AS n, sum(amount) AS total FROM hudi_mor.it.events"))
        .containsExactly(Map.of("n", (long) USERS, "total", sum));
  }

  private static String category(long id) {
    return CATEGORIES[(int) (id % CATEGORIES.length)];
  }

  private Path spec(EmbeddedKafkaBroker broker, String topic, String layout) throws Exception {
    broker.createTopic(topic, 3);
    Path spec = dir.resolve(topic + ".yaml");
    Files.writeString(
        spec,
        String.join(
            "\n",
            "pipeline: it-" + topic,
            "parallelism: 2",
            "source:",
            "  kafka:",
            "    bootstrap-servers: \"" + broker.bootstrapServers() + "\"",
            "    topics: [" + topic + "]",
            "    start: earliest",
            "schema:",
            "  fields:",
            "    - {name: event_id, type: long, required: true}",
            "    - {name: user_id, type: long, required: true}",
            "    - {name: item_id, type: long}",
            "    - {name: amount, type: \"decimal(10,2)\"}",
            "    - {name: category, type: string, required: true}",
            "    - {name: event_time, type: timestamp, format: epoch-millis}",
            "    - {name: payload, type: string}",
            "sink:",
            "  hudi:",
            "    path: \"" + dir.resolve("warehouse/events").toAbsolutePath() + "\"",
            "    table: it.events",
            layout + "    partition-by: [category]",
            "    sync: {type: trino-file-metastore, dir: \"" + dir.resolve("metastore") + "\"}",
            "checkpoint: {interval: 500ms, dir: \"" + dir.resolve("state") + "\"}",
            "errors: {policy: fail}",
            ""));
    return spec;
  }

  /**
   * Produces half the events, runs the pipeline and kills it at a random moment, produces the rest
   * and runs it to the end; returns the ids produced.
   */
  private List<Long> runWithKill(EmbeddedKafkaBroker broker, String topic, Path spec)
      throws Exception {
    long seed = System.nanoTime();
    List<Long> ids =
        new ArrayList<>(
            TestEvents.produce(broker.bootstrapServers(), topic, 0, EVENTS / 2, 0).ids());
    try (PipelineProcess child =
        PipelineProcess.start(dir.resolve("logs"), List.of(), "run", spec.toString())) {
      Thread.sleep(3000 + new Random(seed).nextInt(4000));
      child.kill();
    }
    ids.addAll(
        TestEvents.produce(broker.bootstrapServers(), topic, EVENTS / 2, EVENTS / 2, 0).ids());
    try (PipelineProcess last =
        PipelineProcess.start(
            dir.resolve("logs"), List.of(), "run", spec.toString(), "--stop-at-end")) {
      assertThat(last.waitFor(Duration.ofMinutes(3)))
          .as("final run (seed %d)\n%s", seed, last.tail())
          .isZero();
    }
    return ids;
  }
}
