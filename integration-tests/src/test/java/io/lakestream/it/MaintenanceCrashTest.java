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
import java.util.stream.LongStream;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Maintenance beside a live pipeline: {@code lakestream maintain} rewrites data files, expires
 * every snapshot it may and removes orphans in a loop while an append pipeline ingests; both are
 * SIGKILLed at random moments. Every event must then be in the table exactly once, and the data
 * files must fall when the new small files are compacted. Then everything older than now is
 * expired, the pipeline's checkpoint directory deleted, and the pipeline must resume from what the
 * table carries. Trino, reading the table through the catalog {@code lakestream trino-catalog}
 * writes, answers the same after maintenance as the reference.
 */
@ExtendWith({KafkaBroker.class, SharedTrino.class})
class MaintenanceCrashTest {
  private static final int PARTITIONS = 4;
  private static final int ROUNDS = 3;
  private static final int PER_ROUND = 15_000;
  private static final Duration ROUND = Duration.ofSeconds(8);

  @TempDir Path dir;

  private final List<Long> ids = new ArrayList<>();
  private BigDecimal sum = BigDecimal.ZERO;

  @Test
  void tablesStayExactAndShrinkWhileMaintainedBesideAKilledPipeline(
      EmbeddedKafkaBroker broker, TrinoServer trino) throws Exception {
    String topic = "maintained";
    broker.createTopic(topic, PARTITIONS);
    TestPipeline p =
        TestPipeline.of(dir, broker.bootstrapServers(), topic)
            .withPartitionBy("[\"bucket(2, user_id)\"]");
    Path spec = p.writeSpec();
    Path logs = dir.resolve("logs");
    String[] maintain = maintain(spec);
    long seed = System.nanoTime();
    Random random = new Random(seed);

    for (int round = 0; round < ROUNDS; round++) {
      long before = ids.size();
      produce(broker, topic, PER_ROUND);
      try (PipelineProcess pipeline =
          PipelineProcess.start(logs, List.of(), "run", spec.toString())) {
        // the table exists and this run makes progress
        pipeline.awaitCommitted(p, before + 1);
        maintainWhileRunning(logs, maintain, random, seed);
        assertThat(pipeline.isAlive()).as("pipeline (seed %d)\n%s", seed, pipeline.tail()).isTrue();
      } // SIGKILL
    }

    // catch up while one more maintainer runs, then maintain once more to the end
    try (PipelineProcess last =
            PipelineProcess.start(logs, List.of(), "run", spec.toString(), "--stop-at-end");
        PipelineProcess maintainer = PipelineProcess.start(logs, List.of(), maintain)) {
      assertThat(last.waitFor(Duration.ofMinutes(3))).as("seed %d\n%s", seed, last.tail()).isZero();
      assertThat(maintainer.waitFor(Duration.ofMinutes(3))).as(maintainer.tail()).isZero();
    }
    runMaintain(logs, maintain);
    assertExactlyOnce(p, seed);
    trino.createCatalogFor(spec, "maintained", dir);
    assertTrinoExactlyOnce(trino, seed);

    // new small files, a killed pipeline, then everything expired and the checkpoints deleted
    produce(broker, topic, PER_ROUND);
    try (PipelineProcess pipeline =
        PipelineProcess.start(logs, List.of(), "run", spec.toString())) {
      pipeline.awaitCommitted(p, ids.size());
    }
    int written = currentDataFiles(LakeTables.load(p, TestPipeline.TABLE));
    JsonNode results = runMaintain(logs, maintain);
    Table expired = LakeTables.load(p, TestPipeline.TABLE);
    assertThat(currentDataFiles(expired))
        .as("data files after maintenance, of %d before: %s", written, results)
        .isLessThan(written);
    assertThat(expired.snapshots())
        .as("no snapshot left records a checkpoint: recovery reads the carried one")
        .allSatisfy(s -> assertThat(s.summary()).doesNotContainKey("lakestream.checkpoint-id"));
    Files.move(p.stateDir(), dir.resolve("deleted-state"));
    produce(broker, topic, PER_ROUND);
    try (PipelineProcess resumed =
        PipelineProcess.start(logs, List.of(), "run", spec.toString(), "--stop-at-end")) {
      assertThat(resumed.waitFor(Duration.ofMinutes(3)))
          .as("seed %d\n%s", seed, resumed.tail())
          .isZero();
    }
    assertExactlyOnce(p, seed);
    assertTrinoExactlyOnce(trino, seed);
  }

  @Test
  void anUpsertTableEqualsItsChangesWhileMaintainedBesideAKilledPipeline(EmbeddedKafkaBroker broker)
      throws Exception {
    String topic = "maintained-cdc";
    broker.createTopic(topic, 3);
    long seed = System.nanoTime();
    Random random = new Random(seed);
    DebeziumChanges changes = new DebeziumChanges(seed);
    Path spec = DebeziumChanges.writeSpec(dir, broker.bootstrapServers(), topic);
    Path warehouse = dir.resolve("warehouse");
    Path logs = dir.resolve("logs");
    String[] maintain = maintain(spec);
    long produced = 0;

    for (int round = 0; round < ROUNDS; round++) {
      changes.produce(broker.bootstrapServers(), topic, 3_000);
      try (PipelineProcess pipeline =
          PipelineProcess.start(logs, List.of(), "run", spec.toString())) {
        awaitCommitted(pipeline, warehouse, DebeziumChanges.TABLE, produced + 1);
        maintainWhileRunning(logs, maintain, random, seed);
      } // SIGKILL
      produced += 3_000;
    }
    changes.produce(broker.bootstrapServers(), topic, 2_000);
    try (PipelineProcess last =
            PipelineProcess.start(logs, List.of(), "run", spec.toString(), "--stop-at-end");
        PipelineProcess maintainer = PipelineProcess.start(logs, List.of(), maintain)) {
      assertThat(last.waitFor(Duration.ofMinutes(3))).as("seed %d\n%s", seed, last.tail()).isZero();
      assertThat(maintainer.waitFor(Duration.ofMinutes(3))).as(maintainer.tail()).isZero();
    }
    changes.assertTableEquals(warehouse);

    runMaintain(logs, maintain);
    changes.assertTableEquals(warehouse);
    Table table = LakeTables.load(warehouse, DebeziumChanges.TABLE);
    try (var tasks = table.newScan().planFiles()) {
      assertThat(tasks)
          .as("after maintenance no delete file applies to any data file")
          .allSatisfy(t -> assertThat(t.deletes()).isEmpty());
    }
  }

  /** Runs {@code maintain} again and again for {@link #ROUND}, killing it at random moments. */
  private static void maintainWhileRunning(Path logs, String[] maintain, Random random, long seed)
      throws Exception {
    long end = System.nanoTime() + ROUND.toNanos();
    while (System.nanoTime() < end) {
      try (PipelineProcess maintainer = PipelineProcess.start(logs, List.of(), maintain)) {
        Thread.sleep(500 + random.nextInt(4000));
        if (!maintainer.isAlive()) {
          assertThat(maintainer.waitFor(Duration.ZERO))
              .as("maintain (seed %d)\n%s", seed, maintainer.tail())
              .isZero();
        }
      } // killed if still running
    }
  }

  /** Waits until the table records positions covering {@code records} records. */
  private static void awaitCommitted(
      PipelineProcess pipeline, Path warehouse, String table, long records) {
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofMinutes(1))
        .ignoreExceptions()
        .failFast(() -> assertThat(pipeline.isAlive()).as(pipeline.tail()).isTrue())
        .until(() -> LakeTables.positionsSum(LakeTables.load(warehouse, table)) >= records);
  }

  private static String[] maintain(Path spec) {
    return new String[] {
      "maintain",
      "--spec",
      spec.toString(),
      "--older-than",
      "0s",
      "--orphans-older-than",
      "20s",
      "--min-input-files",
      "2",
      "--json"
    };
  }

  private void produce(EmbeddedKafkaBroker broker, String topic, int count) throws Exception {
    TestEvents.Produced produced =
        TestEvents.produce(broker.bootstrapServers(), topic, ids.size(), count, 0);
    ids.addAll(produced.ids());
    sum = sum.add(produced.amountSum());
  }

  private static JsonNode runMaintain(Path logs, String[] maintain) throws Exception {
    try (PipelineProcess maintainer = PipelineProcess.start(logs, List.of(), maintain)) {
      assertThat(maintainer.waitFor(Duration.ofMinutes(3))).as(maintainer.tail()).isZero();
      return new ObjectMapper().readTree(maintainer.stdout());
    }
  }

  private void assertExactlyOnce(TestPipeline p, long seed) {
    List<Record> rows = LakeTables.rows(p, TestPipeline.TABLE);
    List<Long> landed = rows.stream().map(r -> (Long) r.getField("event_id")).sorted().toList();
    assertThat(landed)
        .as("event ids in the table (seed %d)", seed)
        .isEqualTo(LongStream.range(0, ids.size()).boxed().toList());
    assertThat(
            rows.stream()
                .map(r -> (BigDecimal) r.getField("amount"))
                .reduce(BigDecimal.ZERO, BigDecimal::add))
        .isEqualTo(sum);
  }

  /** Trino, reading the maintained table, sees every event once and the reference's sum. */
  private void assertTrinoExactlyOnce(TrinoServer trino, long seed) throws Exception {
    List<Map<String, Object>> rows =
        TrinoRows.query(
            trino, "SELECT event_id, amount FROM maintained." + TestPipeline.TABLE + " ORDER BY 1");
    assertThat(rows.stream().map(r -> ((Number) r.get("event_id")).longValue()).toList())
        .as("event ids through Trino (seed %d)", seed)
        .isEqualTo(LongStream.range(0, ids.size()).boxed().toList());
    assertThat(
            rows.stream()
                .map(r -> (BigDecimal) r.get("amount"))
                .reduce(BigDecimal.ZERO, BigDecimal::add))
        .isEqualTo(sum);
  }

  private static int currentDataFiles(Table t) {
    return Integer.parseInt(t.currentSnapshot().summary().get("total-data-files"));
  }
}
