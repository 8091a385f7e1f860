package io.lakestream.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestream.cli.embedded.EmbeddedKafkaBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
