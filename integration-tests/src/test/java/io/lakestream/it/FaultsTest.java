package io.lakestream.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.cli.embedded.EmbeddedKafkaBroker;
import io.lakestream.core.runtime.CheckpointCoordinator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.LongStream;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults of the machine under a running pipeline, each with a real component broken: the process
 * ends within a bound with one {@code error:} line that names the fault and says what to do, and a
 * restart after the fault is mended lands every input exactly once.
 */
@ExtendWith(KafkaBroker.class)
class FaultsTest {
  private static final int EVENTS = 300_000;

  @TempDir Path dir;

  private static List<Long> eventIds(List<Record> rows) {
    return rows.stream().map(r -> (Long) r.getField("event_id")).sorted().toList();
  }

  @Test
  void aFullWarehouseDiskFailsTheRunNamingItAndARestartLandsEveryEventOnce(
      EmbeddedKafkaBroker broker) throws Exception {
    String topic = "fault-warehouse-full";
    broker.createTopic(topic, 2);
    TestEvents.produce(broker.bootstrapServers(), topic, 0, EVENTS, 0);
    TestPipeline p = TestPipeline.of(dir, broker.bootstrapServers(), topic);

    try (SmallDisk disk = SmallDisk.mount(p.warehouse(), 40)) {
      disk.fill(39); // 300,000 events take a few MB as Parquet: the disk fills mid-run
      long started = System.nanoTime();
      try (PipelineProcess run =
          PipelineProcess.start(
              dir.resolve("logs"), List.of(), "run", p.writeSpec().toString(), "--stop-at-end")) {
        assertThat(run.waitFor(Duration.ofMinutes(3))).as(run.tail()).isEqualTo(1);
        String stderr = run.stderr();
        assertThat(stderr.lines().filter(l -> l.startsWith("error: ")))
            .as(run.tail())
            .singleElement()
            .asString()
            .contains("No space left on device")
            .endsWith(
                "Free space on that disk, then run again: the run resumes from its last"
                    + " committed checkpoint and nothing is lost.");
      }
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMinutes(2));

      disk.free();
      try (PipelineProcess rerun =
          PipelineProcess.start(
              dir.resolve("logs"), List.of(), "run", p.writeSpec().toString(), "--stop-at-end")) {
        assertThat(rerun.waitFor(Duration.ofMinutes(4))).as(rerun.tail()).isZero();
      }
      assertThat(eventIds(LakeTables.rows(p, TestPipeline.TABLE)))
          .isEqualTo(LongStream.range(0, EVENTS).boxed().toList());
    }
  }

  @Test
  void aFullCheckpointDiskFailsTheRunNamingItAndARestartLandsEveryEventOnce(
      EmbeddedKafkaBroker broker) throws Exception {
    String topic = "fault-checkpoint-full";
    broker.createTopic(topic, 2);
    TestEvents.produce(broker.bootstrapServers(), topic, 0, 20_000, 0);
    Path stateDir = dir.resolve("state");
    TestPipeline p = TestPipeline.of(dir, broker.bootstrapServers(), topic).withStateDir(stateDir);

    try (SmallDisk disk = SmallDisk.mount(stateDir, 1)) {
      // the LOCK file fits; a checkpoint does not
      java.nio.file.Files.write(stateDir.resolve("LOCK"), new byte[0]);
      disk.fillAll();
      try (PipelineProcess run =
          PipelineProcess.start(
              dir.resolve("logs"), List.of(), "run", p.writeSpec().toString(), "--stop-at-end")) {
        assertThat(run.waitFor(Duration.ofMinutes(2))).as(run.tail()).isEqualTo(1);
        assertThat(run.stderr().lines().filter(l -> l.startsWith("error: ")))
            .as(run.tail())
            .singleElement()
            .asString()
            .startsWith("error: Cannot persist checkpoint 1 in " + stateDir.toAbsolutePath())
            .contains("No space left on device");
      }
      assertThat(LakeTables.load(p, TestPipeline.TABLE).currentSnapshot()).isNull();

      disk.free();
      try (PipelineProcess rerun =
          PipelineProcess.start(
              dir.resolve("logs"), List.of(), "run", p.writeSpec().toString(), "--stop-at-end")) {
        assertThat(rerun.waitFor(Duration.ofMinutes(3))).as(rerun.tail()).isZero();
      }
      assertThat(eventIds(LakeTables.rows(p, TestPipeline.TABLE)))
          .isEqualTo(LongStream.range(0, 20_000).boxed().toList());
    }
  }

  /**
   * A table of 512 buckets, each partition holding every user: the first checkpoint opens and
   * closes a file per bucket and task, some 1,000 files, and takes seconds; the stop request comes
   * while it runs. Parquet pages are 64 KB: with the default 1 MB every open file holds some 2 MB
   * of buffers, and 1,000 open files do not fit in a 2 GB heap.
   */
  @Test
  void aStopDuringALongCheckpointCommitsItAndExitsZeroAndARestartLandsEveryEventOnce(
      EmbeddedKafkaBroker broker) throws Exception {
    String topic = "fault-long-checkpoint";
    broker.createTopic(topic, 2);
    TestEvents.produceToPartition(broker.bootstrapServers(), topic, 0, 0, 10_000);
    TestEvents.produceToPartition(broker.bootstrapServers(), topic, 1, 10_000, 10_000);
    TestPipeline p =
        TestPipeline.of(dir, broker.bootstrapServers(), topic)
            .withPartitionBy("[\"bucket(512, user_id)\"]");
    Path spec =
        p.writeSpec(
            "    table: "
                + TestPipeline.TABLE
                + " =>     properties: {write.parquet.page-size-bytes: \"65536\"}");

    try (PipelineProcess run =
        PipelineProcess.startWithHeap(
            "1g", dir.resolve("logs"), "run", spec.toString(), "--status-interval", "1s")) {
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofMinutes(1))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> run.stderr().contains("| taking checkpoint 1 for "));
      long stopped = System.nanoTime();
      run.terminate();

      assertThat(run.waitFor(Duration.ofMinutes(1))).as(run.tail()).isZero();
      assertThat(Duration.ofNanos(System.nanoTime() - stopped))
          .isLessThan(CheckpointCoordinator.STOP_GRACE);
      String stderr = run.stderr();
      assertThat(stderr.indexOf("Stopping: committing the current checkpoint"))
          .as("the stop came while checkpoint 1 ran:\n%s", stderr)
          .isNotNegative()
          .isLessThan(stderr.indexOf("Committed checkpoint 1 of pipeline"));
      assertThat(stderr).doesNotContain("error:");
    }

    try (PipelineProcess rerun =
        PipelineProcess.start(
            dir.resolve("logs"), List.of(), "run", spec.toString(), "--stop-at-end")) {
      assertThat(rerun.waitFor(Duration.ofMinutes(2))).as(rerun.tail()).isZero();
    }
    assertThat(eventIds(LakeTables.rows(p, TestPipeline.TABLE)))
        .isEqualTo(LongStream.range(0, 20_000).boxed().toList());
  }

  @Test
  void aStopWhileKafkaDoesNotAnswerEndsTheRunAtOnceWithoutTouchingAnyTable() throws Exception {
    int deadPort;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      deadPort = s.getLocalPort();
    }
    TestPipeline p = TestPipeline.of(dir, "127.0.0.1:" + deadPort, "nowhere");

    try (PipelineProcess run =
        PipelineProcess.start(dir.resolve("logs"), List.of(), "run", p.writeSpec().toString())) {
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> run.stderr().contains("Asking Kafka at 127.0.0.1:" + deadPort));
      long asked = System.nanoTime();
      run.terminate();

      assertThat(run.waitFor(Duration.ofSeconds(30))).as(run.tail()).isZero();
      assertThat(Duration.ofNanos(System.nanoTime() - asked)).isLessThan(Duration.ofSeconds(15));
      assertThat(run.stderr())
          .contains("Pipeline it-nowhere stopped before it started; nothing was committed");
    }
    assertThat(p.warehouse()).doesNotExist();
    assertThat(p.stateDir()).doesNotExist();
  }
}
