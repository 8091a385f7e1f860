package io.lakestream.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestream.cli.embedded.EmbeddedKafkaBroker;
import io.lakestream.hudi.HudiSnapshotReader;
import io.lakestream.hudi.HudiTableInspection;
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
 * {@code lakestream maintain} on a merge-on-read Hudi table that a real upsert pipeline writes with
 * {@code compaction: maintenance}, so maintenance is the only compaction it gets. The table is read
 * with Hudi's own file-group reader (base files merged with log files) and compared with the
 * reference computed here (each user's newest event); log files and file slices are counted with
 * Hudi's file system view ({@link HudiTableInspection#latestSlices()}).
 *
 * <ul>
 *   <li>{@code --dry-run} reports the log files the view counts and changes nothing; {@code
 *       compact} merges them all (none left) and the table is unchanged; after a second compaction,
 *       {@code clean} removes the slices the first one replaced (Hudi keeps the slice the oldest
 *       retained commit read) and the table is unchanged.
 *   <li>Then the pipeline ingests more while {@code maintain --action compact,clean} runs again and
 *       again, the pipeline is SIGKILLed once in the middle and restarted: the table equals the
 *       reference, no checkpoint is recorded twice and no instant is left pending.
 * </ul>
 */
@ExtendWith(KafkaBroker.class)
class HudiMaintenanceTest {
  private static final int PARTITIONS = 4;
  private static final int BATCH = 4_000;
  private static final int USERS = 1000; // TestEvents: user_id = event_id % 1000
  private static final Duration LIVE = Duration.ofSeconds(8);

  @TempDir Path dir;

  private final Map<Long, Long> newest = new TreeMap<>();
  private long produced;

  @Test
  void maintainCompactsAndCleansAMergeOnReadTableBesideAKilledPipeline(EmbeddedKafkaBroker broker)
      throws Exception {
    String topic = "hudi-maintained";
    broker.createTopic(topic, PARTITIONS);
    Path base = dir.resolve("warehouse/events").toAbsolutePath();
    String table = base.toUri().toString();
    Path spec = writeSpec(broker, topic, base);
    Path logs = dir.resolve("logs");
    long seed = System.nanoTime();
    Random random = new Random(seed);

    // two runs: the first inserts every user, the second updates them into log files
    for (int run = 0; run < 2; run++) {
      produce(broker, topic, BATCH);
      runToEnd(logs, spec, seed);
    }
    HudiTableInspection.Slices before = new HudiTableInspection(table).latestSlices();
    assertThat(before.logFiles()).as("log files written by updates").isPositive();
    assertNewest(table);

    JsonNode planned = maintain(logs, spec, "--action", "compact", "--dry-run");
    assertThat(count(planned, "compact", "log-files-compacted")).isEqualTo(before.logFiles());
    assertThat(new HudiTableInspection(table).latestSlices()).isEqualTo(before);

    JsonNode compacted = maintain(logs, spec, "--action", "compact");
    assertThat(count(compacted, "compact", "log-files-compacted")).isEqualTo(before.logFiles());
    assertThat(count(compacted, "compact", "file-groups-compacted"))
        .isEqualTo(before.fileGroupsWithLogs());
    HudiTableInspection.Slices after = new HudiTableInspection(table).latestSlices();
    assertThat(after.logFiles()).as("log files after compaction").isZero();
    assertThat(after.olderSliceFiles()).as("slices compaction replaced").isPositive();
    assertNewest(table);

    // the cleaner keeps the slice a retained commit read; a second compaction frees the first
    produce(broker, topic, BATCH);
    runToEnd(logs, spec, seed);
    maintain(logs, spec, "--action", "compact");
    after = new HudiTableInspection(table).latestSlices();
    assertThat(after.logFiles()).isZero();
    JsonNode cleaned = maintain(logs, spec, "--action", "clean", "--retain-commits", "1");
    assertThat(count(cleaned, "clean", "files-removed")).isPositive();
    HudiTableInspection.Slices afterClean = new HudiTableInspection(table).latestSlices();
    assertThat(afterClean.olderSliceFiles()).isLessThan(after.olderSliceFiles());
    assertThat(afterClean.fileGroups()).isEqualTo(after.fileGroups());
    assertNewest(table);

    // live: maintain again and again while the pipeline commits; SIGKILL the pipeline once
    produce(broker, topic, BATCH);
    int checkpoints = new HudiTableInspection(table).checkpoints().size();
    int maintained = 0;
    for (int life = 0; life < 2; life++) {
      try (PipelineProcess pipeline =
          PipelineProcess.start(logs, List.of(), "run", spec.toString())) {
        int seen = checkpoints;
        await()
            .atMost(Duration.ofMinutes(1))
            .ignoreExceptions()
            .failFast(() -> assertThat(pipeline.isAlive()).as(pipeline.tail()).isTrue())
            .until(() -> new HudiTableInspection(table).checkpoints().size() > seen);
        long end = System.nanoTime() + LIVE.toNanos() / 2;
        while (System.nanoTime() < end) {
          maintain(logs, spec, "--action", "compact,clean", "--retain-commits", "2");
          maintained++;
          produce(broker, topic, 500 + random.nextInt(1000));
        }
        checkpoints = new HudiTableInspection(table).checkpoints().size();
        assertThat(pipeline.isAlive()).as("pipeline (seed %d)\n%s", seed, pipeline.tail()).isTrue();
      } // SIGKILL
    }
    assertThat(maintained).as("maintain runs beside the live pipeline").isGreaterThanOrEqualTo(2);
    runToEnd(logs, spec, seed);
    maintain(logs, spec, "--action", "compact");

    assertNewest(table);
    HudiTableInspection timeline = new HudiTableInspection(table);
    assertThat(timeline.checkpoints()).doesNotHaveDuplicates();
    assertThat(timeline.pending()).as("instants left pending").isEmpty();
    assertThat(timeline.latestSlices().logFiles()).isZero();
  }

  private Path writeSpec(EmbeddedKafkaBroker broker, String topic, Path base) throws Exception {
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
            "    - {name: category, type: string}",
            "    - {name: event_time, type: timestamp, format: epoch-millis}",
            "    - {name: payload, type: string}",
            "sink:",
            "  hudi:",
            "    path: \"" + base + "\"",
            "    table: it.events",
            "    type: merge-on-read",
            "    operation: upsert",
            "    record-key: [user_id]",
            "    compaction: maintenance",
            "checkpoint: {interval: 500ms, dir: \"" + dir.resolve("state") + "\"}",
            "errors: {policy: fail}",
            ""));
    return spec;
  }

  /** Produces {@code count} events and updates the reference: each user's newest event. */
  private void produce(EmbeddedKafkaBroker broker, String topic, int count) throws Exception {
    for (long id : TestEvents.produce(broker.bootstrapServers(), topic, produced, count, 0).ids()) {
      newest.put(id % USERS, id); // events of one user share a Kafka key, so arrive in order
    }
    produced += count;
  }

  private static void runToEnd(Path logs, Path spec, long seed) throws Exception {
    try (PipelineProcess run =
        PipelineProcess.start(logs, List.of(), "run", spec.toString(), "--stop-at-end")) {
      assertThat(run.waitFor(Duration.ofMinutes(3))).as("seed %d\n%s", seed, run.tail()).isZero();
    }
  }

  private static JsonNode maintain(Path logs, Path spec, String... options) throws Exception {
    List<String> args = new ArrayList<>(List.of("maintain", "--spec", spec.toString(), "--json"));
    args.addAll(List.of(options));
    try (PipelineProcess maintainer =
        PipelineProcess.start(logs, List.of(), args.toArray(String[]::new))) {
      assertThat(maintainer.waitFor(Duration.ofMinutes(2))).as(maintainer.tail()).isZero();
      try {
        return new ObjectMapper().readTree(maintainer.stdout());
      } catch (java.io.IOException e) {
        throw new AssertionError("not JSON: " + maintainer.stdout(), e);
      }
    }
  }

  private static long count(JsonNode results, String action, String name) {
    List<JsonNode> matching = new ArrayList<>();
    for (JsonNode r : results.get("results")) {
      if (r.get("action").asText().equals(action)) {
        matching.add(r);
      }
    }
    assertThat(matching).as("%s in %s", action, results).hasSize(1);
    return matching.get(0).get("counts").get(name).asLong();
  }

  /** The table, read with Hudi's file-group reader, holds each user's newest event once. */
  private void assertNewest(String table) {
    Map<Long, Long> landed = new TreeMap<>();
    for (Map<String, Object> r : HudiSnapshotReader.read(table)) {
      Long before = landed.put((Long) r.get("user_id"), (Long) r.get("event_id"));
      assertThat(before).as("user %s twice", r.get("user_id")).isNull();
    }
    assertThat(landed).isEqualTo(newest);
  }
}
