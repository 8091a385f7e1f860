package io.lakestream.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lakestream.cli.embedded.EmbeddedKafkaBroker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.stream.LongStream;
import org.apache.iceberg.Table;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Two instances of one pipeline never both write. */
@ExtendWith(KafkaBroker.class)
class FencingTest {
  @TempDir Path dir;

  private static void awaitFirstCommit(TestPipeline p) {
    await()
        .atMost(Duration.ofMinutes(2))
        .ignoreExceptions()
        .until(
            () -> {
              Table t = LakeTables.load(p, TestPipeline.TABLE);
              return t.currentSnapshot() != null
                  && t.currentSnapshot().summary().containsKey("lakestream.checkpoint-id");
            });
  }

  @Test
  void aSecondRunWithTheSameCheckpointDirectoryIsRefused(EmbeddedKafkaBroker broker)
      throws Exception {
    String topic = "fence-same-dir";
    broker.createTopic(topic, 2);
    TestEvents.produce(broker.bootstrapServers(), topic, 0, 1000, 0);
    TestPipeline p = TestPipeline.of(dir, broker.bootstrapServers(), topic);
    Path spec = p.writeSpec();

    try (PipelineProcess first =
        PipelineProcess.start(dir.resolve("logs"), List.of(), "run", spec.toString())) {
      awaitFirstCommit(p);
      try (PipelineProcess second =
          PipelineProcess.start(dir.resolve("logs"), List.of(), "run", spec.toString())) {
        assertThat(second.waitFor(Duration.ofMinutes(2))).as(second.tail()).isEqualTo(1);
        assertThat(second.stderr())
            .contains("error: Pipeline '" + p.pipelineId() + "' is already running");
      }
      assertThat(first.isAlive()).isTrue();
      first.terminate();
      assertThat(first.waitFor(Duration.ofMinutes(2))).as(first.tail()).isZero();
    }
  }

  @Test
  void aNewerInstanceFencesTheOlderOneAndNothingIsWrittenTwice(EmbeddedKafkaBroker broker)
      throws Exception {
    String topic = "fence-other-dir";
    broker.createTopic(topic, 2);
    TestEvents.produce(broker.bootstrapServers(), topic, 0, 1000, 0);
    TestPipeline older = TestPipeline.of(dir, broker.bootstrapServers(), topic);

    try (PipelineProcess first =
        PipelineProcess.start(
            dir.resolve("logs"), List.of(), "run", older.writeSpec().toString())) {
      awaitFirstCommit(older);
      try (PipelineProcess second =
          PipelineProcess.start(
              dir.resolve("logs"), List.of(), "run", secondInstanceSpec(older).toString())) {
        await().atMost(Duration.ofMinutes(2)).until(() -> second.stderr().contains("running:"));
        // new data makes the older instance try to commit again
        TestEvents.produce(broker.bootstrapServers(), topic, 1000, 1000, 0);
        assertFenced(first, older);
        second.terminate();
        assertThat(second.waitFor(Duration.ofMinutes(2))).as(second.tail()).isZero();
      }
    }

    assertEveryEventOnceAfterALastRun(older, 2000);
  }

  /**
   * A zombie: the instance is frozen (SIGSTOP) mid-run, with records read but not committed, while
   * a newer instance takes the pipeline over and commits; woken (SIGCONT), with new data to commit,
   * it must find itself fenced and commit nothing more.
   */
  @Test
  void aSuspendedInstanceThatWakesAfterANewerOneTookOverIsFencedAndCommitsNothing(
      EmbeddedKafkaBroker broker) throws Exception {
    String topic = "fence-zombie";
    broker.createTopic(topic, 2);
    String servers = broker.bootstrapServers();
    TestEvents.produce(servers, topic, 0, 20_000, 0);
    TestPipeline older = TestPipeline.of(dir, servers, topic);

    try (PipelineProcess zombie =
        PipelineProcess.start(
            dir.resolve("logs"), List.of(), "run", older.writeSpec().toString())) {
      awaitFirstCommit(older);
      zombie.suspend();
      long commitsBefore = commitLines(zombie);
      try (PipelineProcess newer =
          PipelineProcess.start(
              dir.resolve("logs"), List.of(), "run", secondInstanceSpec(older).toString())) {
        await()
            .atMost(Duration.ofMinutes(2))
            .ignoreExceptions()
            .until(() -> LakeTables.rows(older, TestPipeline.TABLE).size() >= 20_000);
        // records the zombie would commit once it runs again
        TestEvents.produce(servers, topic, 20_000, 1000, 0);
        zombie.resume();

        assertFenced(zombie, older);
        assertThat(commitLines(zombie)).as(zombie.tail()).isEqualTo(commitsBefore);
        assertThat(newer.isAlive()).as(newer.tail()).isTrue();
        newer.terminate();
        assertThat(newer.waitFor(Duration.ofMinutes(2))).as(newer.tail()).isZero();
      }
    }

    assertEveryEventOnceAfterALastRun(older, 21_000);
  }

  /**
   * The spec of a second instance of {@code p}'s pipeline with a checkpoint directory of its own,
   * as if on another machine; {@code p}'s own spec file is left as it was.
   */
  private Path secondInstanceSpec(TestPipeline p) throws IOException {
    Path spec = dir.resolve("newer.yaml");
    Files.copy(
        p.withStateDir(dir.resolve("state-newer")).writeSpec(),
        spec,
        StandardCopyOption.REPLACE_EXISTING);
    p.writeSpec();
    return spec;
  }

  private static void assertFenced(PipelineProcess instance, TestPipeline p) throws Exception {
    assertThat(instance.waitFor(Duration.ofMinutes(2))).as(instance.tail()).isEqualTo(1);
    assertThat(instance.stderr().lines().filter(l -> l.startsWith("error: ")))
        .as(instance.tail())
        .singleElement()
        .asString()
        .isEqualTo(
            "error: Pipeline "
                + p.pipelineId()
                + " is owned by another instance: table "
                + TestPipeline.TABLE
                + " holds fencing epoch 2, this instance holds 1. Stop this instance.");
  }

  private static long commitLines(PipelineProcess instance) throws IOException {
    return instance.stderr().lines().filter(l -> l.contains("Committed checkpoint")).count();
  }

  /** Runs the second instance to the end of its input; the table then holds events 0..n-1 once. */
  private void assertEveryEventOnceAfterALastRun(TestPipeline p, int n) throws Exception {
    try (PipelineProcess last =
        PipelineProcess.start(
            dir.resolve("logs"),
            List.of(),
            "run",
            dir.resolve("newer.yaml").toString(),
            "--stop-at-end")) {
      assertThat(last.waitFor(Duration.ofMinutes(2))).as(last.tail()).isZero();
    }
    assertThat(LakeTables.eventIds(p)).isEqualTo(LongStream.range(0, n).boxed().toList());
  }
}
