package io.lakestream.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestream.cli.embedded.EmbeddedKafkaBroker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.stream.Stream;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lakestream status --json} on a pipeline before its first run, while it runs, after it
 * crashed (SIGKILL) with events it has not read, and after a bounded run: whether it runs, its last
 * checkpoint, its table's last commit and the lag per partition, against what the test produced.
 */
@ExtendWith(KafkaBroker.class)
class StatusCommandTest {
  private static final int PARTITIONS = 2;
  private static final int EVENTS = 1_000;
  private static final int MORE = 500;
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void tellsWhereARunningACrashedAndAFinishedPipelineStands(EmbeddedKafkaBroker broker)
      throws Exception {
    String topic = "status-command";
    broker.createTopic(topic, PARTITIONS);
    String servers = broker.bootstrapServers();
    TestEvents.produce(servers, topic, 0, EVENTS, 0);
    TestPipeline p = TestPipeline.of(dir, servers, topic);
    Path spec = p.writeSpec();

    JsonNode before = status(spec);
    assertThat(before.get("running").asBoolean()).isFalse();
    assertThat(before.get("checkpoint").isNull()).isTrue();
    assertThat(
            before.at("/lag/" + topic + ":0").asLong() + before.at("/lag/" + topic + ":1").asLong())
        .isEqualTo(EVENTS);

    long checkpoint;
    try (PipelineProcess run =
        PipelineProcess.start(dir.resolve("logs"), List.of(), "run", spec.toString())) {
      run.awaitCommitted(p, EVENTS);
      JsonNode running = status(spec);
      assertThat(running.get("running").asBoolean()).isTrue();
      assertThat(running.get("running_by").asText()).startsWith("pid ").contains(" since ");
      checkpoint = running.at("/checkpoint/id").asLong();
      assertThat(checkpoint).isPositive();
      JsonNode table = running.at("/tables/0");
      assertThat(table.get("table").asText()).isEqualTo(TestPipeline.TABLE);
      assertThat(table.get("writer").asText()).isEqualTo("default");
      assertThat(table.get("checkpoint").asLong()).isEqualTo(checkpoint);
      assertThat(table.get("rows").asLong()).isEqualTo(EVENTS);
      assertThat(table.get("age_seconds").asDouble()).isBetween(0.0, 60.0);
      for (int partition = 0; partition < PARTITIONS; partition++) {
        assertThat(running.at("/lag/" + topic + ":" + partition).asLong()).isZero();
      }
      run.kill(); // a crash: nothing of the process runs afterwards
    }

    TestEvents.produce(servers, topic, EVENTS, MORE, 0);
    long[] more = new long[PARTITIONS];
    for (long id = EVENTS; id < EVENTS + MORE; id++) {
      more[partitionOf(id)]++;
    }
    JsonNode crashed = status(spec);
    assertThat(crashed.get("running").asBoolean()).isFalse();
    assertThat(crashed.at("/checkpoint/id").asLong()).isEqualTo(checkpoint);
    assertThat(crashed.at("/tables/0/rows").asLong()).isEqualTo(EVENTS);
    for (int partition = 0; partition < PARTITIONS; partition++) {
      assertThat(crashed.at("/lag/" + topic + ":" + partition).asLong()).isEqualTo(more[partition]);
    }

    try (PipelineProcess bounded =
        PipelineProcess.start(
            dir.resolve("logs"), List.of(), "run", spec.toString(), "--stop-at-end")) {
      assertThat(bounded.waitFor(Duration.ofMinutes(2))).as(bounded.tail()).isZero();
    }
    JsonNode finished = status(spec);
    assertThat(finished.get("running").asBoolean()).isFalse();
    assertThat(finished.at("/checkpoint/id").asLong()).isGreaterThan(checkpoint);
    assertThat(finished.at("/tables/0/checkpoint").asLong())
        .isEqualTo(finished.at("/checkpoint/id").asLong());
    assertThat(finished.at("/tables/0/rows").asLong()).isEqualTo(EVENTS + MORE);
    for (int partition = 0; partition < PARTITIONS; partition++) {
      assertThat(finished.at("/lag/" + topic + ":" + partition).asLong()).isZero();
    }
  }

  /**
   * A dedupe pipeline whose checkpoints and state are on the S3 server: {@code status} tells the
   * state's key count while it runs, and after a crash from another machine (no local directory),
   * reading the checkpoint from the server; a run that stops on a bad record leaves it in the
   * recent errors, which {@code status} shows once the run has stopped.
   */
  @Test
  @ExtendWith(SharedS3.class)
  void tellsKeyCountAndRecentErrorsFromCheckpointsOnS3(EmbeddedKafkaBroker broker, S3Server s3)
      throws Exception {
    String topic = "status-s3";
    String bucket = "status-s3";
    broker.createTopic(topic, PARTITIONS);
    s3.createBucket(bucket);
    String servers = broker.bootstrapServers();
    TestEvents.produce(servers, topic, 0, EVENTS, 0);
    TestPipeline p = TestPipeline.of(dir, servers, topic);
    Path work = dir.resolve("work");
    Path spec =
        p.writeSpec(
            "    - {name: payload, type: string} => event-time: {field: event_time}\n"
                + "transforms:\n"
                + "  - dedupe: {key: [event_id], ttl: 1d}");
    Files.writeString(
        spec,
        Files.readString(spec)
            .replaceFirst(
                "(?m)^checkpoint: .*$",
                Matcher.quoteReplacement(s3.checkpointSection(bucket, work))));
    String location = "s3://" + bucket + "/checkpoints";

    long checkpoint;
    long keys;
    try (PipelineProcess run =
        PipelineProcess.start(dir.resolve("logs"), List.of(), "run", spec.toString())) {
      run.awaitCommitted(p, EVENTS);
      JsonNode running = status(spec);
      assertThat(running.get("running").asBoolean()).isTrue();
      assertThat(running.get("checkpoint_location").asText()).isEqualTo(location);
      checkpoint = running.at("/checkpoint/id").asLong();
      assertThat(running.at("/tables/0/checkpoint").asLong()).isEqualTo(checkpoint);
      // one key per distinct event id, plus a few: the expiry index and each task's watermark
      keys = running.get("state_keys").asLong();
      assertThat(keys).isBetween((long) EVENTS, EVENTS + 200L);
      assertThat(running.get("state_bytes").asLong()).isPositive();
      assertThat(running.get("errors")).isEmpty();
      run.kill();
    }
    deleteRecursively(work); // status from another machine: only the server has the checkpoints

    JsonNode crashed = status(spec);
    assertThat(crashed.get("running").asBoolean()).isFalse();
    assertThat(crashed.get("checkpoint_location").asText()).isEqualTo(location);
    assertThat(crashed.at("/checkpoint/id").asLong()).isEqualTo(checkpoint);
    assertThat(crashed.get("state_keys").asLong()).isEqualTo(keys);
    assertThat(crashed.get("state_bytes").asLong()).isPositive();
    assertThat(crashed.get("errors")).isEmpty();

    long badOffset =
        TestEvents.produceValues(
                servers, topic, 0, List.of("{\"event_id\":".getBytes(StandardCharsets.UTF_8)))
            .get(0);
    try (PipelineProcess bounded =
        PipelineProcess.start(
            dir.resolve("logs"), List.of(), "run", spec.toString(), "--stop-at-end")) {
      assertThat(bounded.waitFor(Duration.ofMinutes(2))).as(bounded.tail()).isEqualTo(1);
    }
    deleteRecursively(work);
    JsonNode stopped = status(spec);
    assertThat(stopped.get("running").asBoolean()).isFalse();
    assertThat(stopped.get("errors")).hasSize(1);
    assertThat(stopped.at("/errors/0/error").asText())
        .startsWith("Bad record at " + topic + "/0@" + badOffset + " (decode): malformed JSON");
    assertThat(stopped.get("state_keys").asLong()).isEqualTo(keys);
  }

  private static void deleteRecursively(Path path) throws IOException {
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path f : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    }
  }

  private JsonNode status(Path spec) throws Exception {
    try (PipelineProcess status =
        PipelineProcess.start(
            dir.resolve("logs"), List.of(), "status", "--spec", spec.toString(), "--json")) {
      assertThat(status.waitFor(Duration.ofMinutes(1))).as(status.tail()).isZero();
      return JSON.readTree(status.stdout());
    }
  }

  /** The partition Kafka's default partitioner gives an event's key ({@link TestEvents}). */
  private static int partitionOf(long id) {
    byte[] key = Long.toString(id % 1000).getBytes(StandardCharsets.UTF_8);
    return Utils.toPositive(Utils.murmur2(key)) % PARTITIONS;
  }
}
