package io.lakestream.it;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exactly-once proof of {@link ExactlyOnceCrashTest}, against Hudi: a pipeline in a child JVM
 * is killed with SIGKILL at each phase boundary of the commit protocol and at random moments,
 * restarted each time, and finally run to the end of its input; the table is then read with Hudi's
 * own file-group reader (for merge-on-read, base files merged with log files).
 *
 * <ul>
 *   <li>Copy-on-write with {@code operation: insert} keyed by {@code event_id}: Hudi's insert does
 *       not deduplicate, so a checkpoint written twice would show as duplicate rows; every event
 *       must be there exactly once.
 *   <li>Merge-on-read with {@code operation: upsert} keyed by {@code user_id} and compaction every
 *       3 delta commits: each user's row must be its newest event.
 * </ul>
 *
 * Both check that no instant carries a checkpoint id twice. 20,000 events (the Iceberg variant
 * takes 200,000): Hudi commits take about a second each, and this still crosses dozens of
 * checkpoints and five kills.
 */
@ExtendWith(KafkaBroker.class)
class HudiExactlyOnceCrashTest {
  private static final int RECORDS = 20_000;
  private static final int PARTITIONS = 4;
  private static final int USERS = 1000; // TestEvents: user_id = event_id % 1000
  private static final List<String> KILLS =
      List.of("PREPARED", "PERSISTED", "COMMITTED", "random", "random");

  @TempDir Path dir;

  @Test
  void copyOnWriteHoldsEveryEventExactlyOnceAcrossKills(EmbeddedKafkaBroker broker)
      throws Exception {
    String table = run(broker, "hudi-cow", "copy-on-write", "insert", "[event_id]", "");
    List<Map<String, Object>> rows = HudiSnapshotReader.read(table);

    List<Long> landed = rows.stream().map(r -> (Long) r.get("event_id")).sorted().toList();
    assertThat(landed).isEqualTo(LongStream.range(0, RECORDS).boxed().toList());
    assertThat(new HudiTableInspection(table).checkpoints()).doesNotHaveDuplicates().isNotEmpty();
  }

  @Test
  void mergeOnReadHoldsTheNewestEventOfEveryUserAcrossKills(EmbeddedKafkaBroker broker)
      throws Exception {
    String table =
        run(broker, "hudi-mor", "merge-on-read", "upsert", "[user_id]", "    compact-every: 3\n");
    Map<Long, Long> newest = new TreeMap<>();
    for (long id = 0; id < RECORDS; id++) {
      newest.put(id % USERS, id); // events of one user share a Kafka key, so arrive in order
    }

    Map<Long, Long> landed = new TreeMap<>();
    for (Map<String, Object> r : HudiSnapshotReader.read(table)) {
      Long before = landed.put((Long) r.get("user_id"), (Long) r.get("event_id"));
      assertThat(before).as("user %s twice", r.get("user_id")).isNull();
    }
    assertThat(landed).isEqualTo(newest);
    HudiTableInspection timeline = new HudiTableInspection(table);
    assertThat(timeline.checkpoints()).doesNotHaveDuplicates().isNotEmpty();
    assertThat(timeline.instants()).anyMatch(i -> i.action().equals("commit")); // compacted
  }

  /** Produces, kills and restarts, runs to the end; returns the table's base path URI. */
  private String run(
      EmbeddedKafkaBroker broker,
      String topic,
      String type,
      String operation,
      String key,
      String extra)
      throws Exception {
    broker.createTopic(topic, PARTITIONS);
    Path base = dir.resolve("warehouse/events").toAbsolutePath();
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
            "    type: " + type,
            "    operation: " + operation,
            "    record-key: " + key,
            extra + "checkpoint: {interval: 500ms, dir: \"" + dir.resolve("state") + "\"}",
            "errors: {policy: fail}",
            ""));
    long seed = System.nanoTime();
    Random random = new Random(seed);
    int slice = RECORDS / (KILLS.size() + 1);
    List<Long> ids = new ArrayList<>();
    for (int run = 0; run <= KILLS.size(); run++) {
      long count = run == KILLS.size() ? RECORDS - (long) slice * KILLS.size() : slice;
      ids.addAll(TestEvents.produce(broker.bootstrapServers(), topic, ids.size(), count, 0).ids());
      if (run == KILLS.size()) {
        try (PipelineProcess last =
            PipelineProcess.start(
                dir.resolve("logs"), List.of(), "run", spec.toString(), "--stop-at-end")) {
          assertThat(last.waitFor(Duration.ofMinutes(5)))
              .as("final run (seed %d)\n%s", seed, last.tail())
              .isZero();
        }
        break;
      }
      String kill = KILLS.get(run);
      List<String> props =
          kill.equals("random") ? List.of() : List.of("lakestream.debug.pause-at=" + kill);
      try (PipelineProcess child =
          PipelineProcess.start(dir.resolve("logs"), props, "run", spec.toString())) {
        if (kill.equals("random")) {
          Thread.sleep(1500 + random.nextInt(4000));
        } else {
          child.awaitOutput("^PAUSED " + kill + " ", Duration.ofMinutes(2));
        }
        child.kill();
      }
    }
    assertThat(ids).hasSize(RECORDS);
    return base.toUri().toString();
  }
}
