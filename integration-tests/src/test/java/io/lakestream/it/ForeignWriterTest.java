package io.lakestream.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.cli.embedded.EmbeddedKafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.LongStream;
import java.util.stream.StreamSupport;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Another application appends to a pipeline's table five times a second while the pipeline runs and
 * checkpoints: the pipeline's commits meet the other writer's in the catalog and must still go
 * through, with neither writer's rows lost or doubled.
 */
@ExtendWith(KafkaBroker.class)
class ForeignWriterTest {
  private static final int SLICE = 2_000;

  @TempDir Path dir;

  @Test
  void aForeignWriterCommittingFiveTimesASecondLosesNothingOfEitherWriter(
      EmbeddedKafkaBroker broker) throws Exception {
    String topic = "foreign-writer";
    broker.createTopic(topic, 2);
    String servers = broker.bootstrapServers();
    TestEvents.produce(servers, topic, 0, SLICE, 0);
    TestPipeline p = TestPipeline.of(dir, servers, topic);
    List<Long> foreignIds;
    long events = SLICE;

    try (PipelineProcess run =
        PipelineProcess.start(dir.resolve("logs"), List.of(), "run", p.writeSpec().toString())) {
      run.awaitCommitted(p, SLICE);
      ForeignWriter foreign = ForeignWriter.start(p, TestPipeline.TABLE, 200);
      try (foreign) {
        // a slice at a time, each committed while the other writer commits, until it committed 60
        // times
        while (foreign.failures().isEmpty()
            && foreign.committed().size() < 60 * ForeignWriter.ROWS_PER_COMMIT) {
          TestEvents.produce(servers, topic, events, SLICE, 0);
          events += SLICE;
          run.awaitCommitted(p, events);
        }
      }
      foreignIds = foreign.committed();
      assertThat(foreign.failures()).isEmpty();
      run.terminate();
      assertThat(run.waitFor(Duration.ofMinutes(2))).as(run.tail()).isZero();
      assertThat(run.stderr()).doesNotContain("error:");
    }

    Table table = LakeTables.load(p, TestPipeline.TABLE);
    assertThat(pipelineCommitsOnForeignOnes(table)).as("commits that met").isGreaterThan(5);
    List<Record> rows = LakeTables.rows(table);
    List<Long> ids = rows.stream().map(r -> (Long) r.getField("event_id")).sorted().toList();
    assertThat(ids.stream().filter(id -> id >= 0))
        .isEqualTo(LongStream.range(0, events).boxed().toList());
    assertThat(ids.stream().filter(id -> id < 0)).isEqualTo(foreignIds.stream().sorted().toList());
  }

  /** How many of the pipeline's commits went on top of a foreign one. */
  private static long pipelineCommitsOnForeignOnes(Table table) {
    return StreamSupport.stream(table.snapshots().spliterator(), false)
        .filter(s -> s.summary().containsKey("lakestream.checkpoint-id") && s.parentId() != null)
        .filter(
            s -> !table.snapshot(s.parentId()).summary().containsKey("lakestream.checkpoint-id"))
        .count();
  }
}
