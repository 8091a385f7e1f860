package io.lakestream.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lakestream.cli.embedded.EmbeddedKafkaBroker;
import java.nio.file.Path;
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
    TestPipeline newer = older.withStateDir(dir.resolve("state-newer"));

    try (PipelineProcess first =
        PipelineProcess.start(
            dir.resolve("logs"), List.of(), "run", older.writeSpec().toString())) {
      awaitFirstCommit(older);
      Path newerSpec = dir.resolve("newer.yaml");
      java.nio.file.Files.copy(
          newer.writeSpec(), newerSpec, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      try (PipelineProcess second =
          PipelineProcess.start(dir.resolve("logs"), List.of(), "run", newerSpec.toString())) {
        await().atMost(Duration.ofMinutes(2)).until(() -> second.stderr().contains("running:"));
        // new data makes the older instance try to commit again
        TestEvents.produce(broker.bootstrapServers(), topic, 1000, 1000, 0);
        assertThat(first.waitFor(Duration.ofMinutes(2))).as(first.tail()).isEqualTo(1);
        assertThat(first.stderr())
            .contains("error: Pipeline it-fence-other-dir is owned by another instance");
        second.terminate();
        assertThat(second.waitFor(Duration.ofMinutes(2))).as(second.tail()).isZero();
      }
    }

    try (PipelineProcess last =
        PipelineProcess.start(
            dir.resolve("logs"),
            List.of(),
            "run",
            dir.resolve("newer.yaml").toString(),
            "--stop-at-end")) {
      assertThat(last.waitFor(Duration.ofMinutes(2))).as(last.tail()).isZero();
    }
    List<Long> ids =
        LakeTables.rows(older, TestPipeline.TABLE).stream()
            .map(r -> (Long) r.getField("event_id"))
            .sorted()
            .toList();
    assertThat(ids).isEqualTo(LongStream.range(0, 2000).boxed().toList());
  }
}
