package io.lakestream.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.cli.embedded.EmbeddedKafkaBroker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints and RocksDB state on a real S3-compatible server ({@link S3Server}), with the
 * warehouse there too: a dedupe pipeline is killed at phase boundaries and at a random moment, and
 * every restart begins with an empty local directory, as on a new machine. Each run also receives
 * again every event of the run before, which only the dedupe state restored from the server can
 * drop. Every event must land exactly once.
 */
@ExtendWith({KafkaBroker.class, SharedS3.class})
class S3CheckpointCrashTest {
  private static final int EVENTS = 24_000;
  private static final int PARTITIONS = 2;
  private static final List<String> KILLS = List.of("PERSISTED", "COMMITTED", "random");

  @TempDir Path dir;

  @Test
  void dedupeStateFollowsThePipelineToAnEmptyLocalDirectoryAfterEveryKill(
      EmbeddedKafkaBroker broker, S3Server s3) throws Exception {
    String topic = "s3-checkpoint-crash";
    String bucket = "checkpoint-crash";
    broker.createTopic(topic, PARTITIONS);
    s3.createBucket(bucket);
    Map<String, String> catalog = new HashMap<>(s3.clientProperties());
    catalog.put("warehouse", "s3://" + bucket + "/lake");
    catalog.put("uri", "jdbc:sqlite:" + dir.resolve("catalog.db"));
    TestPipeline p =
        TestPipeline.of(dir, broker.bootstrapServers(), topic)
            .withPartitionBy("[\"bucket(4, user_id)\"]")
            .withCatalog(catalog);
    Path work = dir.resolve("work");
    Path spec =
        p.writeSpec(
            "    - {name: payload, type: string} => event-time: {field: event_time}\n"
                + "transforms:\n"
                + "  - dedupe: {key: [event_id], ttl: 1d}");
    String checkpoint = s3.checkpointSection(bucket, work);
    Files.writeString(
        spec,
        Files.readString(spec)
            .replaceFirst("(?m)^checkpoint: .*$", Matcher.quoteReplacement(checkpoint)));
    Random random = new Random();
    int slice = EVENTS / (KILLS.size() + 1);

    for (int run = 0; run <= KILLS.size(); run++) {
      long from = (long) slice * run;
      long count = run == KILLS.size() ? EVENTS - from : slice;
      if (run > 0) {
        TestEvents.produce(broker.bootstrapServers(), topic, from - slice, slice, 0);
      }
      TestEvents.produce(broker.bootstrapServers(), topic, from, count, 0);
      if (run == KILLS.size()) {
        try (PipelineProcess last =
            PipelineProcess.start(
                dir.resolve("logs"), List.of(), "run", spec.toString(), "--stop-at-end")) {
          assertThat(last.waitFor(Duration.ofMinutes(3))).as(last.tail()).isZero();
        }
        break;
      }
      String kill = KILLS.get(run);
      List<String> props =
          kill.equals("random") ? List.of() : List.of("lakestream.debug.pause-at=" + kill);
      try (PipelineProcess child =
          PipelineProcess.start(dir.resolve("logs"), props, "run", spec.toString())) {
        if (kill.equals("random")) {
          child.awaitCommitted(p, from);
          Thread.sleep(random.nextInt(2_000));
        } else {
          child.awaitOutput("^PAUSED " + kill + " ", Duration.ofMinutes(2));
        }
        child.kill();
      }
      deleteRecursively(work); // the next run is on a new machine
    }

    assertThat(LakeTables.eventIds(p)).isEqualTo(LongStream.range(0, EVENTS).boxed().toList());
    List<String> stored = s3.keys(bucket, "checkpoints/");
    assertThat(stored).anyMatch(k -> k.matches("checkpoints/checkpoint-\\d{19}\\.ckpt"));
    assertThat(stored).anyMatch(k -> k.startsWith("checkpoints/state/shared/"));
    assertThat(stored).noneMatch(k -> k.equals("checkpoints/LOCK"));
  }

  private static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path f : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    }
  }
}
