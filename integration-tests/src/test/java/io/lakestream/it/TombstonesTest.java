package io.lakestream.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.cli.embedded.EmbeddedKafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.LongStream;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Records with a null value (tombstones), as compacted topics hold them: skipped and counted by
 * default, a bad record when the spec says so, a delete in an upsert table. Events 0..99 are at
 * offsets 0..99 of partition 0, the tombstones right after them, then events 100..199.
 */
@ExtendWith(KafkaBroker.class)
class TombstonesTest {
  @TempDir Path dir;

  private static void produce(EmbeddedKafkaBroker broker, String topic, String... tombstoneKeys)
      throws Exception {
    broker.createTopic(topic, 1);
    TestEvents.produceToPartition(broker.bootstrapServers(), topic, 0, 0, 100);
    for (String key : tombstoneKeys) {
      TestEvents.produceTombstone(broker.bootstrapServers(), topic, 0, key);
    }
    TestEvents.produceToPartition(broker.bootstrapServers(), topic, 0, 100, 100);
  }

  private static List<Long> eventIds(List<Record> rows) {
    return rows.stream().map(r -> (Long) r.getField("event_id")).sorted().toList();
  }

  private static PipelineProcess run(TestPipeline p, String... specLines) throws Exception {
    return PipelineProcess.start(
        p.dir().resolve("logs"),
        List.of(),
        "run",
        p.writeSpec(specLines).toString(),
        "--stop-at-end");
  }

  @ParameterizedTest
  @ValueSource(strings = {"fail", "dead-letter", "skip"})
  void aTombstoneIsSkippedCountedAndLoggedUnderEveryPolicy(String policy, EmbeddedKafkaBroker b)
      throws Exception {
    String topic = "tombstone-" + policy;
    produce(b, topic, "7");
    TestPipeline p = TestPipeline.of(dir, b.bootstrapServers(), topic).withPolicy(policy);

    try (PipelineProcess run = run(p)) {
      assertThat(run.waitFor(Duration.ofMinutes(3))).as(run.tail()).isZero();
      assertThat(run.stderr())
          .contains("Skipped a tombstone (a record with no value) at " + topic + "/0@100")
          .contains("| tombstones 1 |");
    }

    assertThat(eventIds(LakeTables.rows(p, TestPipeline.TABLE)))
        .isEqualTo(LongStream.range(0, 200).boxed().toList());
  }

  @Test
  void aTombstoneIsABadRecordWhenTheSpecSaysSo(EmbeddedKafkaBroker broker) throws Exception {
    String topic = "tombstone-bad-record";
    produce(broker, topic, "7");
    TestPipeline p =
        TestPipeline.of(dir, broker.bootstrapServers(), topic).withPolicy("dead-letter");

    try (PipelineProcess run = run(p, "    start: earliest =>     tombstones: bad-record")) {
      assertThat(run.waitFor(Duration.ofMinutes(3))).as(run.tail()).isZero();
    }

    assertThat(eventIds(LakeTables.rows(p, TestPipeline.TABLE)))
        .isEqualTo(LongStream.range(0, 200).boxed().toList());
    List<Record> dead = LakeTables.rows(p, TestPipeline.DEAD_LETTER_TABLE);
    assertThat(dead).hasSize(1);
    assertThat(dead.get(0).getField("offset")).isEqualTo(100L);
    assertThat(dead.get(0).getField("error"))
        .isEqualTo("the record has no value (a tombstone); source.kafka.tombstones is bad-record");
  }

  @Test
  void aTombstoneDeletesTheRowItsKeyNamesInAnUpsertTable(EmbeddedKafkaBroker broker)
      throws Exception {
    String topic = "tombstone-upsert";
    produce(broker, topic, "{\"event_id\": 7}", "42");
    TestPipeline p =
        TestPipeline.of(dir, broker.bootstrapServers(), topic)
            .withPartitionBy("[\"bucket(4, event_id)\"]");

    try (PipelineProcess run =
        run(p, "    table: " + TestPipeline.TABLE + " =>     mode: upsert\n    key: [event_id]")) {
      assertThat(run.waitFor(Duration.ofMinutes(3))).as(run.tail()).isZero();
      assertThat(run.stderr()).contains("| deleted 2");
    }

    List<Long> expected =
        LongStream.range(0, 200).filter(id -> id != 7 && id != 42).boxed().toList();
    assertThat(eventIds(LakeTables.rows(p, TestPipeline.TABLE))).isEqualTo(expected);
  }
}
