package io.lakestream.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.cli.embedded.EmbeddedKafkaBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.LongStream;
import org.apache.iceberg.data.Record;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reprocess between explicit offsets: the partitions named start and stop where the command says,
 * the others keep the rule ({@code --from earliest}, the log's end). Offsets of a partition the
 * source does not read are refused before anything is written, and malformed ones on the command
 * line.
 */
@ExtendWith(KafkaBroker.class)
class BackfillOffsetsTest {
  private static final String TOPIC = "backfill-offsets";
  private static final int PER_PARTITION = 100;

  @TempDir Path dir;

  @Test
  void replaysBetweenExplicitOffsets(EmbeddedKafkaBroker broker) throws Exception {
    broker.createTopic(TOPIC, 2);
    produce(broker.bootstrapServers());
    Path spec = writeSpec(broker.bootstrapServers());

    try (PipelineProcess unknown =
        start("backfill", spec.toString(), "--from", "earliest", "--from-offsets", "other:0=5")) {
      assertThat(unknown.waitFor(Duration.ofMinutes(2))).as(unknown.tail()).isEqualTo(1);
      assertThat(unknown.stderr())
          .contains("Offsets are given for other:0, which this source does not read");
    }
    try (PipelineProcess malformed =
        start("backfill", spec.toString(), "--from", "earliest", "--to-offsets", TOPIC + "=5")) {
      assertThat(malformed.waitFor(Duration.ofMinutes(1))).as(malformed.tail()).isEqualTo(2);
      assertThat(malformed.stderr()).contains("--to-offsets takes topic:partition=offset");
    }

    String[] replay = {
      "backfill",
      spec.toString(),
      "--from",
      "earliest",
      "--from-offsets",
      TOPIC + ":0=10," + TOPIC + ":1=20",
      "--to-offsets",
      TOPIC + ":0=50"
    };
    try (PipelineProcess run = start(replay)) {
      assertThat(run.waitFor(Duration.ofMinutes(2))).as(run.tail()).isZero();
    }
    TreeSet<Long> expected = new TreeSet<>();
    LongStream.range(10, 50).forEach(expected::add);
    LongStream.range(1_020, 1_000 + PER_PARTITION).forEach(expected::add);
    assertThat(ids()).isEqualTo(expected);

    // run again, the backfill's own checkpoint says it is done: nothing is read twice
    try (PipelineProcess again = start(replay)) {
      assertThat(again.waitFor(Duration.ofMinutes(2))).as(again.tail()).isZero();
    }
    assertThat(ids()).isEqualTo(expected);
  }

  /** Every id in the table, failing on a repeated one. */
  private TreeSet<Long> ids() {
    TreeSet<Long> ids = new TreeSet<>();
    for (Record r :
        LakeTables.rows(LakeTables.load(dir.resolve("warehouse").toAbsolutePath(), "it.slice"))) {
      assertThat(ids.add((Long) r.getField("id"))).as("id %s once", r.getField("id")).isTrue();
    }
    return ids;
  }

  /** Ids 0..99 into partition 0 and 1000..1099 into partition 1, in order. */
  private static void produce(String servers) {
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                servers,
                ProducerConfig.ACKS_CONFIG,
                "all"),
            new ByteArraySerializer(),
            new ByteArraySerializer())) {
      for (int p = 0; p < 2; p++) {
        for (int i = 0; i < PER_PARTITION; i++) {
          String json = "{\"id\":" + (p * 1_000 + i) + "}";
          producer.send(
              new ProducerRecord<>(TOPIC, p, null, json.getBytes(StandardCharsets.UTF_8)));
        }
      }
      producer.flush();
    }
  }

  private Path writeSpec(String servers) throws Exception {
    Path warehouse = dir.resolve("warehouse").toAbsolutePath();
    Files.createDirectories(warehouse);
    Path file = dir.resolve("slice.yaml");
    Files.writeString(
        file,
        "pipeline: slice\n"
            + "source:\n"
            + "  kafka:\n"
            + "    bootstrap-servers: \""
            + servers
            + "\"\n"
            + "    topics: ["
            + TOPIC
            + "]\n"
            + "schema:\n"
            + "  fields:\n"
            + "    - {name: id, type: long, required: true}\n"
            + "sink:\n"
            + "  iceberg:\n"
            + "    catalog: {type: jdbc, name: lakestream, uri: \"jdbc:sqlite:"
            + warehouse
            + "/catalog.db\", warehouse: \""
            + warehouse
            + "\"}\n"
            + "    table: it.slice\n"
            + "checkpoint: {interval: 500ms, dir: \""
            + dir.resolve("state").toAbsolutePath()
            + "\"}\n");
    return file;
  }

  private PipelineProcess start(String... args) throws Exception {
    return PipelineProcess.start(dir.resolve("logs"), List.of(), args);
  }
}
