package io.lakestream.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.cli.embedded.EmbeddedKafkaBroker;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.LongStream;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A malformed record at a known offset (partition 0, offset 100, between events 0..99 and 100..199)
 * under each error policy.
 */
@ExtendWith(KafkaBroker.class)
class BadRecordsTest {
  @TempDir Path dir;

  private TestEvents.Produced produceWithOneBadRecord(EmbeddedKafkaBroker broker, String topic)
      throws Exception {
    broker.createTopic(topic, 1);
    TestEvents.Produced first = TestEvents.produce(broker.bootstrapServers(), topic, 0, 100, 100);
    TestEvents.produce(broker.bootstrapServers(), topic, 100, 100, 0);
    assertThat(first.badCoordinates()).containsExactly("0@100");
    return first;
  }

  private static List<Long> eventIds(List<Record> rows) {
    return rows.stream().map(r -> (Long) r.getField("event_id")).sorted().toList();
  }

  @Test
  void failPolicyStopsAtTheBadRecordNamingItAndCommitsOnlyWhatCameBefore(EmbeddedKafkaBroker broker)
      throws Exception {
    String topic = "bad-fail";
    produceWithOneBadRecord(broker, topic);
    TestPipeline p = TestPipeline.of(dir, broker.bootstrapServers(), topic);

    try (PipelineProcess run =
        PipelineProcess.start(
            dir.resolve("logs"), List.of(), "run", p.writeSpec().toString(), "--stop-at-end")) {
      assertThat(run.waitFor(Duration.ofMinutes(3))).as(run.tail()).isEqualTo(1);
      assertThat(run.stderr())
          .contains("error: Bad record at bad-fail/0@100 (decode): malformed JSON: ");
    }

    assertThat(eventIds(LakeTables.rows(p, TestPipeline.TABLE)))
        .isEqualTo(LongStream.range(0, 100).boxed().toList());
  }

  @Test
  void deadLetterPolicyKeepsTheRawRecordWithItsErrorAndLandsEveryGoodRecord(
      EmbeddedKafkaBroker broker) throws Exception {
    String topic = "bad-dead-letter";
    TestEvents.Produced produced = produceWithOneBadRecord(broker, topic);
    TestPipeline p =
        TestPipeline.of(dir, broker.bootstrapServers(), topic).withPolicy("dead-letter");

    try (PipelineProcess run =
        PipelineProcess.start(
            dir.resolve("logs"), List.of(), "run", p.writeSpec().toString(), "--stop-at-end")) {
      assertThat(run.waitFor(Duration.ofMinutes(3))).as(run.tail()).isZero();
      assertThat(run.stderr())
          .contains("Dead-lettered bad record at bad-dead-letter/0@100 (decode): malformed JSON");
    }

    assertThat(eventIds(LakeTables.rows(p, TestPipeline.TABLE)))
        .isEqualTo(LongStream.range(0, 200).boxed().toList());
    List<Record> dead = LakeTables.rows(p, TestPipeline.DEAD_LETTER_TABLE);
    assertThat(dead).hasSize(1);
    Record r = dead.get(0);
    assertThat(r.getField("pipeline")).isEqualTo(p.pipelineId());
    assertThat(r.getField("topic")).isEqualTo(topic);
    assertThat(r.getField("partition")).isEqualTo(0);
    assertThat(r.getField("offset")).isEqualTo(100L);
    assertThat(r.getField("stage")).isEqualTo("decode");
    assertThat((String) r.getField("error")).startsWith("malformed JSON: ");
    assertThat(r.getField("value")).isEqualTo(ByteBuffer.wrap(produced.badValues().get(0)));
  }

  @Test
  void skipPolicyCountsAndLogsTheBadRecordAndLandsEveryGoodRecord(EmbeddedKafkaBroker broker)
      throws Exception {
    String topic = "bad-skip";
    produceWithOneBadRecord(broker, topic);
    TestPipeline p = TestPipeline.of(dir, broker.bootstrapServers(), topic).withPolicy("skip");

    try (PipelineProcess run =
        PipelineProcess.start(
            dir.resolve("logs"), List.of(), "run", p.writeSpec().toString(), "--stop-at-end")) {
      assertThat(run.waitFor(Duration.ofMinutes(3))).as(run.tail()).isZero();
      assertThat(run.stderr())
          .contains("Skipped bad record at bad-skip/0@100 (decode): malformed JSON");
      assertThat(run.stderr()).contains("| skipped 1 |");
    }

    assertThat(eventIds(LakeTables.rows(p, TestPipeline.TABLE)))
        .isEqualTo(LongStream.range(0, 200).boxed().toList());
  }
}
