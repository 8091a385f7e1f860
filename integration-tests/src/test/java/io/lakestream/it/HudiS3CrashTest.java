package io.lakestream.it;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hudi tables on a real S3-compatible server ({@link S3Server}), written through Hadoop's S3A file
 * system with the same {@code s3.*} settings an Iceberg warehouse uses: a pipeline killed with
 * SIGKILL at each phase boundary of the commit protocol and restarted lands every event exactly
 * once, as Hudi's own file-group reader sees the table on the server; nothing of the table is on
 * local disk; {@code lakestream describe} reads the table there.
 *
 * <ul>
 *   <li>Copy-on-write, {@code operation: insert} keyed by {@code event_id} (insert does not
 *       deduplicate, so a checkpoint written twice would show as duplicate rows), on an {@code
 *       s3://} path.
 *   <li>Merge-on-read, {@code operation: upsert} keyed by {@code user_id}, compaction every 3 delta
 *       commits, on an {@code s3a://} path: each user's row is its newest event.
 * </ul>
 */
@ExtendWith({KafkaBroker.class, SharedS3.class})
class HudiS3CrashTest {
  private static final int RECORDS = 6_000;
  private static final int PARTITIONS = 2;
  private static final int USERS = 1000; // TestEvents: user_id = event_id % 1000
  private static final List<String> KILLS = List.of("PREPARED", "PERSISTED", "COMMITTED");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void copyOnWriteOnS3HoldsEveryEventExactlyOnceAcrossKills(EmbeddedKafkaBroker broker, S3Server s3)
      throws Exception {
    String bucket = "hudi-s3-cow";
    s3.createBucket(bucket);
    String table = "s3://" + bucket + "/lake/events";
    Path spec = run(broker, s3, "hudi-s3-cow", table, "copy-on-write", "insert", "[event_id]", "");

    List<Long> landed =
        HudiSnapshotReader.read(table, s3.clientProperties()).stream()
            .map(r -> (Long) r.get("event_id"))
            .sorted()
            .toList();
    assertThat(landed).isEqualTo(LongStream.range(0, RECORDS).boxed().toList());
    assertThat(new HudiTableInspection(table, s3.clientProperties()).checkpoints())
        .doesNotHaveDuplicates()
        .isNotEmpty();
    assertTableOnlyInTheBucket(s3, bucket);

    JsonNode d =
        JSON.readTree(lakestream("describe", "--spec", spec.toString(), "it.events", "--json"));
    assertThat(d.get("format").asText()).isEqualTo("Hudi");
    assertThat(d.get("details").get("table type").asText()).isEqualTo("COPY_ON_WRITE");
    assertThat(d.get("current").get("live_rows").asLong()).isEqualTo(RECORDS);
  }

  @Test
  void mergeOnReadOnS3aHoldsTheNewestEventOfEveryUserAcrossKills(
      EmbeddedKafkaBroker broker, S3Server s3) throws Exception {
    String bucket = "hudi-s3-mor";
    s3.createBucket(bucket);
    String table = "s3a://" + bucket + "/lake/events";
    run(
        broker,
        s3,
        "hudi-s3-mor",
        table,
        "merge-on-read",
        "upsert",
        "[user_id]",
        "    compact-every: 3\n");
    Map<Long, Long> newest = new TreeMap<>();
    for (long id = 0; id < RECORDS; id++) {
      newest.put(id % USERS, id); // events of one user share a Kafka key, so arrive in order
    }

    Map<Long, Long> landed = new TreeMap<>();
    for (Map<String, Object> r : HudiSnapshotReader.read(table, s3.clientProperties())) {
      Long before = landed.put((Long) r.get("user_id"), (Long) r.get("event_id"));
      assertThat(before).as("user %s twice", r.get("user_id")).isNull();
    }
    assertThat(landed).isEqualTo(newest);
    HudiTableInspection timeline = new HudiTableInspection(table, s3.clientProperties());
    assertThat(timeline.checkpoints()).doesNotHaveDuplicates().isNotEmpty();
    assertThat(timeline.instants()).anyMatch(i -> i.action().equals("commit")); // compacted
    assertTableOnlyInTheBucket(s3, bucket);
  }

  /** The table's files are objects in the bucket; the local disk holds none. */
  private void assertTableOnlyInTheBucket(S3Server s3, String bucket) throws Exception {
    List<String> keys = s3.keys(bucket, "lake/events/");
    assertThat(keys).anyMatch(k -> k.endsWith(".parquet"));
    assertThat(keys).contains("lake/events/.hoodie/hoodie.properties");
    try (Stream<Path> local = Files.walk(dir)) {
      assertThat(
              local
                  .map(Path::toString)
                  .filter(f -> f.endsWith(".parquet") || f.contains(".hoodie"))
                  .collect(Collectors.toList()))
          .isEmpty();
    }
  }

  /** Produces, kills and restarts, runs to the end; returns the spec. */
  private Path run(
      EmbeddedKafkaBroker broker,
      S3Server s3,
      String topic,
      String table,
      String type,
      String operation,
      String key,
      String extra)
      throws Exception {
    broker.createTopic(topic, PARTITIONS);
    Path spec = dir.resolve(topic + ".yaml");
    StringBuilder storage = new StringBuilder("    storage:\n");
    s3.clientProperties()
        .forEach(
            (k, v) -> storage.append("      ").append(k).append(": \"").append(v).append("\"\n"));
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
            "    path: \"" + table + "\"",
            "    table: it.events",
            "    type: " + type,
            "    operation: " + operation,
            "    record-key: " + key,
            extra + storage + "checkpoint: {interval: 1s, dir: \"" + dir.resolve("state") + "\"}",
            "errors: {policy: fail}",
            ""));
    int slice = RECORDS / (KILLS.size() + 1);
    List<Long> ids = new ArrayList<>();
    for (int run = 0; run <= KILLS.size(); run++) {
      long count = run == KILLS.size() ? RECORDS - (long) slice * KILLS.size() : slice;
      ids.addAll(TestEvents.produce(broker.bootstrapServers(), topic, ids.size(), count, 0).ids());
      if (run == KILLS.size()) {
        try (PipelineProcess last =
            PipelineProcess.start(
                dir.resolve("logs"), List.of(), "run", spec.toString(), "--stop-at-end")) {
          assertThat(last.waitFor(Duration.ofMinutes(5))).as(last.tail()).isZero();
        }
        break;
      }
      String kill = KILLS.get(run);
      try (PipelineProcess child =
          PipelineProcess.start(
              dir.resolve("logs"),
              List.of("lakestream.debug.pause-at=" + kill),
              "run",
              spec.toString())) {
        child.awaitOutput("^PAUSED " + kill + " ", Duration.ofMinutes(2));
        child.kill();
      }
    }
    assertThat(ids).hasSize(RECORDS);
    return spec;
  }

  private String lakestream(String... args) throws Exception {
    try (PipelineProcess p = PipelineProcess.start(dir.resolve("logs"), List.of(), args)) {
      assertThat(p.waitFor(Duration.ofMinutes(1))).as(p.tail()).isZero();
      return p.stdout();
    }
  }
}
