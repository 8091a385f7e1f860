package io.lakestream.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestream.cli.embedded.EmbeddedKafkaBroker;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.LongStream;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two writers of one pipeline, each reading its own topic, append to the same table while both run,
 * and both are killed with SIGKILL at random moments, again and again, then run to the end of their
 * input. Every record of each lands exactly once, neither is ever fenced by the other, no writer
 * commits a checkpoint twice, and {@code describe} shows each writer's last checkpoint.
 */
@ExtendWith(KafkaBroker.class)
class TwoWritersTest {
  private static final int RECORDS_PER_WRITER = 40_000;
  private static final int PARTITIONS = 2;
  private static final int ROUNDS = 4;

  @TempDir Path dir;

  @Test
  void twoWritersOfAPipelineShareATableExactlyOnceAcrossKills(EmbeddedKafkaBroker broker)
      throws Exception {
    String servers = broker.bootstrapServers();
    broker.createTopic("writers-live", PARTITIONS);
    broker.createTopic("writers-second", PARTITIONS);
    TestPipeline live = TestPipeline.of(dir, servers, "writers-live");
    TestPipeline second =
        new TestPipeline(
            dir,
            live.pipelineId(),
            servers,
            "writers-second",
            live.stateDir(),
            live.policy(),
            live.checkpointInterval(),
            live.partitionBy(),
            live.catalog());
    Path liveSpec = Files.copy(live.writeSpec(), dir.resolve("live.yaml"));
    Path secondSpec =
        Files.copy(
            second.writeSpec("pipeline: " + live.pipelineId() + " => writer: second"),
            dir.resolve("second.yaml"));
    long seed = System.nanoTime();
    Random random = new Random(seed);
    String context = "seed " + seed;

    int slice = RECORDS_PER_WRITER / ROUNDS;
    BigDecimal sum = BigDecimal.ZERO;
    List<String> outputs = new ArrayList<>();
    for (int round = 0; round < ROUNDS; round++) {
      sum =
          sum.add(TestEvents.produce(servers, "writers-live", round * slice, slice, 0).amountSum());
      sum =
          sum.add(
              TestEvents.produce(
                      servers, "writers-second", RECORDS_PER_WRITER + round * slice, slice, 0)
                  .amountSum());
      try (PipelineProcess a = start(liveSpec, false);
          PipelineProcess b = start(secondSpec, false)) {
        // killed at different random moments, so one often commits while the other restarts
        Thread.sleep(1_000 + random.nextInt(2_500));
        a.kill();
        Thread.sleep(random.nextInt(1_500));
        b.kill();
        outputs.add(a.stderr());
        outputs.add(b.stderr());
      }
    }
    try (PipelineProcess a = start(liveSpec, true);
        PipelineProcess b = start(secondSpec, true)) {
      assertThat(a.waitFor(Duration.ofMinutes(3)))
          .as("live writer, %s\n%s", context, a.tail())
          .isZero();
      assertThat(b.waitFor(Duration.ofMinutes(3)))
          .as("second writer, %s\n%s", context, b.tail())
          .isZero();
      outputs.add(a.stderr());
      outputs.add(b.stderr());
    }

    List<Record> rows = LakeTables.rows(live, TestPipeline.TABLE);
    assertThat(rows.stream().map(r -> (Long) r.getField("event_id")).sorted().toList())
        .as("event ids of both writers, each once (%s)", context)
        .isEqualTo(LongStream.range(0, 2L * RECORDS_PER_WRITER).boxed().toList());
    assertThat(
            rows.stream()
                .map(r -> (BigDecimal) r.getField("amount"))
                .reduce(BigDecimal.ZERO, BigDecimal::add))
        .isEqualTo(sum);
    assertThat(outputs).noneMatch(o -> o.contains("is owned by another instance"));

    Table table = LakeTables.load(live, TestPipeline.TABLE);
    Map<String, List<String>> checkpointsByWriter = new HashMap<>();
    for (Snapshot s : table.snapshots()) {
      String checkpoint = s.summary().get("lakestream.checkpoint-id");
      if (checkpoint != null) {
        checkpointsByWriter
            .computeIfAbsent(s.summary().get("lakestream.writer"), w -> new ArrayList<>())
            .add(checkpoint);
      }
    }
    assertThat(checkpointsByWriter).containsOnlyKeys("default", "second");
    checkpointsByWriter.forEach(
        (writer, ids) ->
            assertThat(ids).as("checkpoints of writer %s", writer).doesNotHaveDuplicates());

    JsonNode described;
    try (PipelineProcess describe =
        PipelineProcess.start(
            dir.resolve("logs"),
            List.of(),
            "describe",
            TestPipeline.TABLE,
            "--spec",
            liveSpec.toString(),
            "--json")) {
      assertThat(describe.waitFor(Duration.ofMinutes(1))).as(describe.tail()).isZero();
      described = new ObjectMapper().readTree(describe.stdout());
    }
    Map<String, Long> lastByWriter = new HashMap<>();
    described
        .get("writers")
        .forEach(
            w -> {
              assertThat(w.get("pipeline").asText()).isEqualTo(live.pipelineId());
              lastByWriter.put(w.get("writer").asText(), w.get("checkpoint").asLong());
            });
    assertThat(lastByWriter)
        .containsOnlyKeys("default", "second")
        .containsEntry("default", maxId(checkpointsByWriter.get("default")))
        .containsEntry("second", maxId(checkpointsByWriter.get("second")));
  }

  private PipelineProcess start(Path spec, boolean toEnd) throws Exception {
    List<String> args = new ArrayList<>(List.of("run", spec.toString()));
    if (toEnd) {
      args.add("--stop-at-end");
    }
    return PipelineProcess.start(dir.resolve("logs"), List.of(), args.toArray(new String[0]));
  }

  private static long maxId(List<String> ids) {
    return ids.stream().mapToLong(Long::parseLong).max().orElseThrow();
  }
}
