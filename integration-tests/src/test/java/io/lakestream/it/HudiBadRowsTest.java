package io.lakestream.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.cli.embedded.EmbeddedKafkaBroker;
import io.lakestream.hudi.HudiSnapshotReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rows a Hudi table would reject (an empty record key, a null key, a null ordering field), under
 * {@code errors.policy: dead-letter}: each lands in the dead-letter table (a Hudi table beside the
 * output, as the main sink's format) with its topic, partition and offset and Hudi's reason, is
 * counted and logged, and every other row of the same checkpoints is committed.
 */
@ExtendWith(KafkaBroker.class)
class HudiBadRowsTest {
  private static final String TOPIC = "hudi-bad-rows";

  @TempDir Path dir;

  @Test
  void rowsHudiRejectsAreDeadLetteredWithTheirCoordinates(EmbeddedKafkaBroker broker)
      throws Exception {
    broker.createTopic(TOPIC, 1);
    Map<Long, String> bad = new TreeMap<>(); // offset -> the reason expected
    Map<String, Long> expected = new TreeMap<>(); // code -> newest ts
    List<String> values = new ArrayList<>();
    for (long i = 0; i < 60; i++) {
      String code = "c" + (i % 7);
      if (i % 10 == 3) {
        values.add("{\"code\": \"\", \"ts\": " + i + "}");
        bad.put(i, "code");
      } else if (i % 10 == 6) {
        values.add("{\"code\": \"" + code + "\", \"ts\": null}");
        bad.put(i, "its ordering field \"ts\" is null");
      } else if (i % 10 == 9) {
        values.add("{\"code\": null, \"ts\": " + i + "}");
        bad.put(i, "its key column \"code\" is null");
      } else {
        values.add("{\"code\": \"" + code + "\", \"ts\": " + i + "}");
        expected.put(code, i);
      }
    }
    produce(broker.bootstrapServers(), values);
    Path table = dir.resolve("warehouse/hudi/codes").toAbsolutePath();
    Path spec = writeSpec(broker.bootstrapServers(), table);

    try (PipelineProcess run =
        PipelineProcess.start(
            dir.resolve("logs"), List.of(), "run", spec.toString(), "--stop-at-end")) {
      assertThat(run.waitFor(Duration.ofMinutes(3))).as(run.tail()).isZero();
      String output = run.stdout() + run.stderr();
      // one of each reason, logged with its coordinates (later lines are rate-limited)
      for (long offset : List.of(3L, 6L, 9L)) {
        assertThat(output)
            .contains(
                "Dead-lettered bad record at "
                    + TOPIC
                    + "/0@"
                    + offset
                    + " (transform): Hudi table it.codes rejects the row: ");
      }
      assertThat(output).contains("| dead-lettered " + bad.size() + " |");
    }

    Map<String, Long> landed = new TreeMap<>();
    for (Map<String, Object> r : HudiSnapshotReader.read(table.toUri().toString())) {
      assertThat(landed.put((String) r.get("code"), (Long) r.get("ts"))).isNull();
    }
    assertThat(landed).isEqualTo(expected);

    Map<Long, String> deadLettered = new TreeMap<>();
    for (Map<String, Object> r :
        HudiSnapshotReader.read(table.resolveSibling("codes_dead_letter").toUri().toString())) {
      assertThat(r.get("topic")).isEqualTo(TOPIC);
      assertThat(r.get("partition")).isEqualTo(0);
      assertThat((String) r.get("error")).startsWith("Hudi table it.codes rejects the row: ");
      deadLettered.put((Long) r.get("offset"), (String) r.get("error"));
    }
    assertThat(deadLettered.keySet()).isEqualTo(bad.keySet());
    bad.forEach((offset, reason) -> assertThat(deadLettered.get(offset)).contains(reason));
  }

  private static void produce(String servers, List<String> values) {
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                servers,
                ProducerConfig.ACKS_CONFIG,
                "all"),
            new StringSerializer(),
            new StringSerializer())) {
      for (String v : values) {
        producer.send(new ProducerRecord<>(TOPIC, 0, null, v));
      }
      producer.flush();
    }
  }

  private Path writeSpec(String servers, Path table) throws Exception {
    Path spec = dir.resolve("bad-rows.yaml");
    Files.writeString(
        spec,
        String.join(
            "\n",
            "pipeline: it-hudi-bad-rows",
            "source:",
            "  kafka:",
            "    bootstrap-servers: \"" + servers + "\"",
            "    topics: [" + TOPIC + "]",
            "    start: earliest",
            "schema:",
            "  fields:",
            "    - {name: code, type: string}",
            "    - {name: ts, type: long}",
            "sink:",
            "  hudi:",
            "    path: \"" + table + "\"",
            "    table: it.codes",
            "    operation: upsert",
            "    record-key: [code]",
            "    ordering-field: ts",
            "checkpoint: {interval: 500ms, dir: \"" + dir.resolve("state") + "\"}",
            "errors: {policy: dead-letter}",
            ""),
        StandardCharsets.UTF_8);
    return spec;
  }
}
