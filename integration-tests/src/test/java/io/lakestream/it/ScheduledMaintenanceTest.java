package io.lakestream.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestream.cli.embedded.EmbeddedKafkaBroker;
import io.lakestream.compaction.TableLease;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.LongStream;
import org.apache.iceberg.DataOperations;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scheduled maintenance on real pipelines: a CDC pipeline that runs its own maintenance between its
 * checkpoints keeps its upsert table small and equal to its changes; two {@code lakestream
 * schedule} processes on one table never work on it at the same time; a scheduler SIGKILLed mid-job
 * leaves the table exact and its lease to the next.
 */
@ExtendWith(KafkaBroker.class)
class ScheduledMaintenanceTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void aPipelineRunningItsOwnMaintenanceKeepsItsUpsertTableSmallAndExact(EmbeddedKafkaBroker broker)
      throws Exception {
    String topic = "self-maintained";
    broker.createTopic(topic, 3);
    long seed = System.nanoTime();
    DebeziumChanges changes = new DebeziumChanges(seed);
    Path spec = DebeziumChanges.writeSpec(dir, broker.bootstrapServers(), topic);
    Files.writeString(
        spec,
        String.join(
            "\n",
            "maintenance:",
            "  run-in: pipeline",
            "  check-interval: 1s",
            "  jobs:",
            "    - name: compact",
            "      actions: [rewrite-data-files]",
            "      every-commits: 3",
            "      min-input-files: 2",
            ""),
        StandardOpenOption.APPEND);
    Path warehouse = dir.resolve("warehouse");

    try (PipelineProcess pipeline =
        PipelineProcess.start(dir.resolve("logs"), List.of(), "run", spec.toString())) {
      long produced = 0;
      for (int round = 0; round < 6; round++) {
        changes.produce(broker.bootstrapServers(), topic, 1_000);
        produced += 1_000;
        long target = produced;
        await()
            .atMost(Duration.ofMinutes(1))
            .ignoreExceptions()
            .failFast(() -> assertThat(pipeline.isAlive()).as(pipeline.tail()).isTrue())
            .until(
                () ->
                    LakeTables.positionsSum(LakeTables.load(warehouse, DebeziumChanges.TABLE))
                        >= target);
      }
      // the pipeline is idle now: maintenance catches up with its last commits
      await()
          .atMost(Duration.ofMinutes(1))
          .failFast(() -> assertThat(pipeline.isAlive()).as(pipeline.tail()).isTrue())
          .until(
              () -> commitsAfterLastRewrite(LakeTables.load(warehouse, DebeziumChanges.TABLE)) < 3);
      assertThat(pipeline.stderr() + pipeline.stdout())
          .as("the pipeline logs its maintenance runs")
          .contains("job compact on " + DebeziumChanges.TABLE + ": ran (");
    }

    changes.assertTableEquals(warehouse);
    Table table = LakeTables.load(warehouse, DebeziumChanges.TABLE);
    int dataFilesAdded = 0;
    int deleteFilesAdded = 0;
    long rewrites = 0;
    for (Snapshot s : table.snapshots()) {
      if (DataOperations.REPLACE.equals(s.operation())) {
        rewrites++;
      } else {
        dataFilesAdded += count(s, "added-data-files");
        deleteFilesAdded += count(s, "added-delete-files");
      }
    }
    assertThat(rewrites).as("maintenance rewrote the table").isPositive();
    assertThat(count(table.currentSnapshot(), "total-data-files"))
        .as("data files now, of %d the pipeline wrote", dataFilesAdded)
        .isLessThan(dataFilesAdded);
    assertThat(appliedDeleteFiles(table))
        .as("delete files a scan applies, of %d the pipeline wrote", deleteFilesAdded)
        .isLessThan(deleteFilesAdded);
  }

  @Test
  void twoSchedulersNeverWorkOnOneTableAtOnce(EmbeddedKafkaBroker broker) throws Exception {
    String topic = "scheduled";
    broker.createTopic(topic, 4);
    TestPipeline p =
        TestPipeline.of(dir, broker.bootstrapServers(), topic)
            .withPartitionBy("[\"bucket(2, user_id)\"]");
    Path spec = p.writeSpec();
    Path logs = dir.resolve("logs");
    int events = 0;
    for (int round = 0; round < 3; round++) {
      events += TestEvents.produce(broker.bootstrapServers(), topic, events, 2_000, 0).ids().size();
      try (PipelineProcess run =
          PipelineProcess.start(logs, List.of(), "run", spec.toString(), "--stop-at-end")) {
        assertThat(run.waitFor(Duration.ofMinutes(2))).as(run.tail()).isZero();
      }
    }
    Path maintenance = dir.resolve("maintenance.yaml");
    Files.writeString(
        maintenance,
        String.join(
            "\n",
            "maintenance:",
            "  check-interval: 1s",
            "  lease-ttl: 30s",
            "  jobs:",
            "    - name: tidy",
            "      tables: [" + TestPipeline.TABLE + "]",
            "      actions: [rewrite-data-files, rewrite-manifests, expire-snapshots]",
            "      small-files: 1",
            "      min-input-files: 2",
            "      older-than: 0s",
            ""));
    int filesBefore =
        count(LakeTables.load(p, TestPipeline.TABLE).currentSnapshot(), "total-data-files");

    List<JsonNode> runs = new ArrayList<>();
    try (PipelineProcess a = schedule(logs, spec, maintenance, "scheduler-a");
        PipelineProcess b = schedule(logs, spec, maintenance, "scheduler-b")) {
      await()
          .atMost(Duration.ofMinutes(1))
          .failFast(() -> assertThat(a.isAlive() && b.isAlive()).as(a.tail() + b.tail()).isTrue())
          .until(() -> ran(a) + ran(b) >= 8);
      a.kill();
      b.kill();
      runs.addAll(lines(a, "scheduler-a"));
      runs.addAll(lines(b, "scheduler-b"));
    }

    List<JsonNode> ran =
        runs.stream().filter(r -> r.get("outcome").asText().equals("ran")).toList();
    assertThat(ran).hasSizeGreaterThanOrEqualTo(8);
    for (JsonNode x : ran) {
      for (JsonNode y : ran) {
        if (x != y) {
          boolean apart =
              x.get("finished_ms").asLong() <= y.get("started_ms").asLong()
                  || y.get("finished_ms").asLong() <= x.get("started_ms").asLong();
          assertThat(apart).as("runs overlap: %s and %s", x, y).isTrue();
        }
      }
    }
    Table table = LakeTables.load(p, TestPipeline.TABLE);
    assertThat(count(table.currentSnapshot(), "total-data-files"))
        .as("data files after maintenance, of %d", filesBefore)
        .isLessThan(filesBefore);
    assertThat(LakeTables.eventIds(p)).isEqualTo(LongStream.range(0, events).boxed().toList());
  }

  /**
   * A scheduler SIGKILLed in the middle of a job (while it holds the table's lease), three times,
   * while a pipeline commits: the table holds every event exactly once, and a new scheduler takes
   * the table over once the dead one's lease expires (within lease-ttl plus one check interval).
   */
  @Test
  void aSchedulerKilledMidJobLeavesTheTableExactAndItsLeaseToTheNext(EmbeddedKafkaBroker broker)
      throws Exception {
    String topic = "schedule-killed";
    broker.createTopic(topic, 4);
    TestPipeline p =
        TestPipeline.of(dir, broker.bootstrapServers(), topic)
            .withPartitionBy("[\"bucket(2, user_id)\"]");
    Path spec = p.writeSpec();
    Path logs = dir.resolve("logs");
    Duration ttl = Duration.ofSeconds(10);
    Path maintenance = dir.resolve("maintenance.yaml");
    Files.writeString(
        maintenance,
        String.join(
            "\n",
            "maintenance:",
            "  check-interval: 1s",
            "  lease-ttl: " + ttl.toSeconds() + "s",
            "  jobs:",
            "    - name: tidy",
            "      tables: [" + TestPipeline.TABLE + "]",
            "      actions: [rewrite-data-files, rewrite-manifests, expire-snapshots]",
            "      small-files: 1",
            "      min-input-files: 2",
            "      older-than: 0s",
            ""));
    long seed = System.nanoTime();
    java.util.Random random = new java.util.Random(seed);
    int events = TestEvents.produce(broker.bootstrapServers(), topic, 0, 3_000, 0).ids().size();
    Duration takeover;
    try (PipelineProcess pipeline =
        PipelineProcess.start(logs, List.of(), "run", spec.toString())) {
      pipeline.awaitCommitted(p, 1);
      for (int kill = 0; kill < 3; kill++) {
        String owner = "killed-" + kill;
        try (PipelineProcess scheduler = schedule(logs, spec, maintenance, owner)) {
          await()
              .atMost(Duration.ofMinutes(1))
              .pollInterval(Duration.ofMillis(20))
              .ignoreExceptions()
              .failFast(() -> assertThat(scheduler.isAlive()).as(scheduler.tail()).isTrue())
              .until(() -> leaseHolder(p).endsWith(" " + owner));
          Thread.sleep(random.nextInt(1500));
        } // SIGKILL, most likely mid-job; the lease stays until it expires
        events +=
            TestEvents.produce(broker.bootstrapServers(), topic, events, 1_000, 0).ids().size();
      }
      long killed = System.nanoTime();
      try (PipelineProcess next = schedule(logs, spec, maintenance, "next")) {
        await()
            .atMost(Duration.ofMinutes(1))
            .failFast(() -> assertThat(next.isAlive()).as(next.tail()).isTrue())
            .until(() -> ran(next) >= 1);
        takeover = Duration.ofNanos(System.nanoTime() - killed);
        next.terminate(); // SIGTERM: finishes the job at hand and releases the lease
        next.waitFor(Duration.ofMinutes(1)); // the JVM's exit code after a signal is 143
      }
      assertThat(pipeline.isAlive()).as("pipeline (seed %d)\n%s", seed, pipeline.tail()).isTrue();
    }
    assertThat(takeover)
        .as("takeover after the last kill (lease-ttl %s)", ttl)
        .isLessThan(ttl.plusSeconds(20));
    try (PipelineProcess last =
        PipelineProcess.start(logs, List.of(), "run", spec.toString(), "--stop-at-end")) {
      assertThat(last.waitFor(Duration.ofMinutes(2))).as("seed %d\n%s", seed, last.tail()).isZero();
    }
    assertThat(LakeTables.eventIds(p))
        .as("event ids (seed %d)", seed)
        .isEqualTo(LongStream.range(0, events).boxed().toList());
    assertThat(leaseHolder(p)).as("lease after the last scheduler stopped").isEmpty();
  }

  /** The table's lease property as written, empty if none. */
  private static String leaseHolder(TestPipeline p) {
    return LakeTables.load(p, TestPipeline.TABLE)
        .properties()
        .getOrDefault(TableLease.PROPERTY, "");
  }

  private static PipelineProcess schedule(Path logs, Path spec, Path maintenance, String owner)
      throws Exception {
    return PipelineProcess.start(
        logs,
        List.of(),
        "schedule",
        "--spec",
        spec.toString(),
        "--maintenance",
        maintenance.toString(),
        "--owner",
        owner,
        "--json");
  }

  /** How many runs a scheduler has printed as ran. */
  private static long ran(PipelineProcess scheduler) throws IOException {
    return scheduler.stdout().lines().filter(l -> l.contains("\"outcome\":\"ran\"")).count();
  }

  /** The complete JSON lines a scheduler printed, each tagged with its owner. */
  private static List<JsonNode> lines(PipelineProcess scheduler, String owner) throws IOException {
    List<JsonNode> lines = new ArrayList<>();
    for (String line : scheduler.stdout().split("\n")) {
      if (line.startsWith("{") && line.endsWith("}")) {
        lines.add(
            ((com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(line))
                .put("owner", owner));
      }
    }
    return lines;
  }

  /** Commits that are not rewrites since the newest rewrite; all if there is none yet. */
  private static int commitsAfterLastRewrite(Table table) {
    int commits = 0;
    for (Snapshot s = table.currentSnapshot();
        s != null && !DataOperations.REPLACE.equals(s.operation());
        s = s.parentId() == null ? null : table.snapshot(s.parentId())) {
      commits++;
    }
    return commits;
  }

  private static int count(Snapshot s, String key) {
    return Integer.parseInt(s.summary().getOrDefault(key, "0"));
  }

  private static int appliedDeleteFiles(Table table) {
    Set<String> deletes = new HashSet<>();
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      tasks.forEach(t -> t.deletes().forEach(d -> deletes.add(d.location())));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return deletes.size();
  }
}
