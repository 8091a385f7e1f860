package io.lakestream.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lakestream.cli.embedded.EmbeddedKafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewPartitions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Splits that appear while a pipeline runs: partitions added to a topic, and a topic that starts to
 * match the pattern, are read from their beginning without a restart, exactly once across a
 * SIGKILL.
 */
@ExtendWith(KafkaBroker.class)
class NewSplitsTest {
  @TempDir Path dir;

  @Test
  void newPartitionsAndNewlyMatchingTopicsLandExactlyOnceWithoutARestart(EmbeddedKafkaBroker broker)
      throws Exception {
    String servers = broker.bootstrapServers();
    broker.createTopic("grow-a", 1);
    TestEvents.produceToPartition(servers, "grow-a", 0, 0, 2_000);
    TestPipeline p = TestPipeline.of(dir, servers, "grow-a");
    Path spec = p.writeSpec();
    Files.writeString(
        spec, Files.readString(spec).replace("topics: [grow-a]", "topic-pattern: \"grow-.*\""));

    try (PipelineProcess run =
            PipelineProcess.start(dir.resolve("logs-1"), List.of(), "run", spec.toString());
        Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers))) {
      awaitEventCount(p, 2_000);

      admin.createPartitions(Map.of("grow-a", NewPartitions.increaseTo(3))).all().get();
      broker.createTopic("grow-b", 2);
      TestEvents.produceToPartition(servers, "grow-a", 1, 2_000, 1_000);
      TestEvents.produceToPartition(servers, "grow-a", 2, 3_000, 1_000);
      TestEvents.produceToPartition(servers, "grow-b", 0, 4_000, 1_000);
      TestEvents.produceToPartition(servers, "grow-b", 1, 5_000, 1_000);
      awaitEventCount(p, 6_000);
      assertThat(run.stderr()).contains("reads 4 new splits");

      // more into every split, and a SIGKILL while they are read
      for (int partition = 0; partition < 3; partition++) {
        TestEvents.produceToPartition(
            servers, "grow-a", partition, 6_000 + partition * 5_000L, 5_000);
      }
      TestEvents.produceToPartition(servers, "grow-b", 1, 21_000, 5_000);
      run.kill();
    }

    try (PipelineProcess rerun =
        PipelineProcess.start(
            dir.resolve("logs-2"), List.of(), "run", spec.toString(), "--stop-at-end")) {
      assertThat(rerun.waitFor(Duration.ofMinutes(2))).as(rerun.tail()).isZero();
    }
    assertThat(LakeTables.eventIds(p)).isEqualTo(LongStream.range(0, 26_000).boxed().toList());
  }

  private static void awaitEventCount(TestPipeline p, int count) {
    await()
        .atMost(Duration.ofMinutes(1))
        .pollInterval(Duration.ofMillis(250))
        .ignoreExceptions()
        .until(() -> LakeTables.eventIds(p).size() >= count);
    assertThat(LakeTables.eventIds(p)).hasSize(count);
  }
}
