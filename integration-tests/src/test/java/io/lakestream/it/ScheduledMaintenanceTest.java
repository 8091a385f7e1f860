package io.lakestream.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestream.cli.embedded.EmbeddedKafkaBroker;
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
 * schedule} processes on one table never work on it at the same time.
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
