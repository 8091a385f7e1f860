package io.lakestream.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lakestream.cli.embedded.EmbeddedKafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.apache.iceberg.Table;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Runs that end: at the end of their input, or on SIGTERM. */
@ExtendWith(KafkaBroker.class)
class BoundedRunTest {
  @TempDir Path dir;

  /**
   * Partitions of very different sizes: tasks reach their ends at different times while checkpoints
   * keep completing (the case in which a peer's bounded job lost committed rows).
   */
  @Test
  void stopAtEndWithUnevenPartitionsLandsEveryRecordOnce(EmbeddedKafkaBroker broker)
      throws Exception {
    String topic = "bounded-uneven";
    broker.createTopic(topic, 4);
    String servers = broker.bootstrapServers();
    TestEvents.produceToPartition(servers, topic, 0, 0, 10);
    TestEvents.produceToPartition(servers, topic, 1, 10, 30_000);
    TestEvents.produceToPartition(servers, topic, 2, 30_010, 500);
    TestPipeline p = TestPipeline.of(dir, servers, topic);

    try (PipelineProcess run =
        PipelineProcess.start(
            dir.resolve("logs"), List.of(), "run", p.writeSpec().toString(), "--stop-at-end")) {
      assertThat(run.waitFor(Duration.ofMinutes(3))).as(run.tail()).isZero();
    }

    assertThat(LakeTables.eventIds(p)).isEqualTo(LongStream.range(0, 30_510).boxed().toList());
  }

  /**
   * The same uneven partitions, checkpoints every 200 ms, and the run SIGKILLed while the task with
   * the short partitions has reached their end and the other task still reads: a rerun to the end
   * lands every record once.
   */
  @Test
  void stopAtEndKilledWhileOneTaskIsDoneAndRerunLandsEveryRecordOnce(EmbeddedKafkaBroker broker)
      throws Exception {
    String topic = "bounded-uneven-killed";
    broker.createTopic(topic, 3);
    String servers = broker.bootstrapServers();
    TestEvents.produceToPartition(servers, topic, 0, 0, 10);
    TestEvents.produceToPartition(servers, topic, 1, 10, 100_000);
    TestEvents.produceToPartition(servers, topic, 2, 100_010, 500);
    TestPipeline p = TestPipeline.of(dir, servers, topic).withCheckpointInterval("200ms");

    try (PipelineProcess run =
        PipelineProcess.start(
            dir.resolve("logs"), List.of(), "run", p.writeSpec().toString(), "--stop-at-end")) {
      await()
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofMillis(50))
          .ignoreExceptions()
          .failFast("the run ended before it was killed", () -> !run.isAlive())
          .until(
              () -> {
                Map<String, Long> at = LakeTables.positions(LakeTables.load(p, TestPipeline.TABLE));
                return at.get(topic + ":0") == 10
                    && at.get(topic + ":2") == 500
                    && at.get(topic + ":1") < 100_000;
              });
      run.kill();
    }
    try (PipelineProcess rerun =
        PipelineProcess.start(
            dir.resolve("logs"), List.of(), "run", p.writeSpec().toString(), "--stop-at-end")) {
      assertThat(rerun.waitFor(Duration.ofMinutes(3))).as(rerun.tail()).isZero();
    }

    assertThat(LakeTables.eventIds(p)).isEqualTo(LongStream.range(0, 100_510).boxed().toList());
  }

  @Test
  void sigtermCommitsTheCurrentCheckpointAndExitsZero(EmbeddedKafkaBroker broker) throws Exception {
    String topic = "sigterm";
    broker.createTopic(topic, 2);
    TestEvents.produce(broker.bootstrapServers(), topic, 0, 5000, 0);
    TestPipeline p = TestPipeline.of(dir, broker.bootstrapServers(), topic);

    try (PipelineProcess run =
        PipelineProcess.start(dir.resolve("logs"), List.of(), "run", p.writeSpec().toString())) {
      await()
          .atMost(Duration.ofMinutes(2))
          .ignoreExceptions()
          .until(() -> LakeTables.load(p, TestPipeline.TABLE).currentSnapshot() != null);
      TestEvents.produce(broker.bootstrapServers(), topic, 5000, 5000, 0);
      run.terminate();
      assertThat(run.waitFor(Duration.ofMinutes(2))).as(run.tail()).isZero();
      assertThat(run.stderr()).contains("Stopping: committing the current checkpoint");
    }

    // what the stopped run committed is exactly what its last commit records
    Table t = LakeTables.load(p, TestPipeline.TABLE);
    long recordedPositions = LakeTables.positionsSum(t);
    List<Long> ids = LakeTables.eventIds(p);
    assertThat(ids).doesNotHaveDuplicates().hasSize((int) recordedPositions);
  }
}
