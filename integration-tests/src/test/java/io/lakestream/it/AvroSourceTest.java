package io.lakestream.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.cli.embedded.EmbeddedKafkaBroker;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.Conversions;
import org.apache.avro.LogicalTypes;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.iceberg.data.Record;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Avro values, with the columns taken from the schema file since the spec declares none. */
@ExtendWith(KafkaBroker.class)
class AvroSourceTest {
  private static final String AVSC =
      """
      {"type": "record", "name": "Order", "fields": [
        {"name": "event_id", "type": "long"},
        {"name": "amount", "type": {"type": "bytes", "logicalType": "decimal", "precision": 10, "scale": 2}},
        {"name": "event_time", "type": {"type": "long", "logicalType": "timestamp-millis"}},
        {"name": "note", "type": ["null", "string"], "default": null}
      ]}
      """;

  @TempDir Path dir;

  @Test
  void avroRecordsLandWithTheSchemaFilesColumns(EmbeddedKafkaBroker broker) throws Exception {
    String topic = "avro-orders";
    broker.createTopic(topic, 2);
    org.apache.avro.Schema schema = new org.apache.avro.Schema.Parser().parse(AVSC);
    Files.writeString(dir.resolve("orders.avsc"), AVSC);
    BigDecimal expectedSum = BigDecimal.ZERO;
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
            new ByteArraySerializer(),
            new ByteArraySerializer())) {
      for (long id = 0; id < 1000; id++) {
        BigDecimal amount = BigDecimal.valueOf(id * 3 + 1, 2);
        expectedSum = expectedSum.add(amount);
        GenericRecord r = new GenericData.Record(schema);
        r.put("event_id", id);
        r.put(
            "amount",
            new Conversions.DecimalConversion()
                .toBytes(amount, schema.getField("amount").schema(), LogicalTypes.decimal(10, 2)));
        r.put("event_time", 1_764_000_000_000L + id);
        r.put("note", id % 2 == 0 ? "even" : null);
        producer.send(new ProducerRecord<>(topic, encode(r))).get();
      }
    }
    TestPipeline reader = TestPipeline.of(dir, broker.bootstrapServers(), topic);
    Path spec = dir.resolve("avro.yaml");
    Files.writeString(
        spec,
        String.join(
            "\n",
            "pipeline: it-avro",
            "source:",
            "  kafka:",
            "    bootstrap-servers: \"" + broker.bootstrapServers() + "\"",
            "    topics: [" + topic + "]",
            "    format: avro",
            "    schema-file: orders.avsc",
            "transforms:",
            "  - filter: \"event_id % 10 != 0\"",
            "sink:",
            "  iceberg:",
            "    catalog: {type: jdbc, uri: \""
                + reader.catalogUri()
                + "\", warehouse: \""
                + reader.warehouse()
                + "\"}",
            "    table: it.avro_orders",
            "checkpoint: {interval: 1s, dir: \"" + dir.resolve("state") + "\"}",
            ""));

    try (PipelineProcess run =
        PipelineProcess.start(
            dir.resolve("logs"), List.of(), "run", spec.toString(), "--stop-at-end")) {
      assertThat(run.waitFor(Duration.ofMinutes(3))).as(run.tail()).isZero();
    }

    List<Record> rows = LakeTables.rows(reader, "it.avro_orders");
    List<Long> ids =
        new ArrayList<>(rows.stream().map(r -> (Long) r.getField("event_id")).sorted().toList());
    assertThat(ids).hasSize(900).doesNotContain(0L, 10L, 990L).contains(1L, 999L);
    BigDecimal filteredOut = BigDecimal.ZERO;
    for (long id = 0; id < 1000; id += 10) {
      filteredOut = filteredOut.add(BigDecimal.valueOf(id * 3 + 1, 2));
    }
    assertThat(
            rows.stream()
                .map(r -> (BigDecimal) r.getField("amount"))
                .reduce(BigDecimal.ZERO, BigDecimal::add))
        .isEqualTo(expectedSum.subtract(filteredOut));
    long expectedNotes =
        java.util.stream.LongStream.range(0, 1000)
            .filter(id -> id % 10 != 0 && id % 2 == 0)
            .count();
    assertThat(rows.stream().filter(r -> r.getField("note") != null).count())
        .isEqualTo(expectedNotes);
  }

  private static byte[] encode(GenericRecord record) throws java.io.IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(record.getSchema()).write(record, encoder);
    encoder.flush();
    return out.toByteArray();
  }
}
