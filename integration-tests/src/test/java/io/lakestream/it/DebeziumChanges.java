package io.lakestream.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.Future;
import org.apache.iceberg.data.Record;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A randomized stream of Debezium change events (creates, snapshot reads, updates of the same key
 * many times in a row, deletes and tombstones, keyed by the primary key as Debezium does, with and
 * without embedded schemas), and the reference it is checked against: the table the events describe
 * (the last image of every key not deleted).
 */
final class DebeziumChanges {
  static final String TABLE = "lake.customers";
  static final String SCHEMA =
      "{\"type\":\"struct\",\"fields\":["
          + "{\"type\":\"struct\",\"optional\":true,\"field\":\"before\",\"fields\":%1$s},"
          + "{\"type\":\"struct\",\"optional\":true,\"field\":\"after\",\"fields\":%1$s},"
          + "{\"type\":\"struct\",\"optional\":false,\"field\":\"source\",\"fields\":["
          + "{\"type\":\"int64\",\"optional\":true,\"field\":\"lsn\"},"
          + "{\"type\":\"int64\",\"optional\":false,\"field\":\"ts_ms\"}]},"
          + "{\"type\":\"string\",\"optional\":false,\"field\":\"op\"},"
          + "{\"type\":\"int64\",\"optional\":true,\"field\":\"ts_ms\"}],"
          + "\"optional\":false,\"name\":\"shop.public.customers.Envelope\"}";
  static final String ROW_FIELDS =
      "[{\"type\":\"int64\",\"optional\":false,\"field\":\"id\"},"
          + "{\"type\":\"string\",\"optional\":true,\"field\":\"name\"},"
          + "{\"type\":\"bytes\",\"optional\":true,\"name\":\"org.apache.kafka.connect.data.Decimal\","
          + "\"parameters\":{\"scale\":\"2\"},\"field\":\"balance\"},"
          + "{\"type\":\"int64\",\"optional\":true,\"name\":\"io.debezium.time.MicroTimestamp\","
          + "\"field\":\"updated_at\"}]";

  final long seed;
  final SplittableRandom random;
  final Map<Long, List<Object>> table = new TreeMap<>();
  private long lsn = 1_000;

  DebeziumChanges(long seed) {
    this.seed = seed;
    this.random = new SplittableRandom(seed);
  }

  void produce(String servers, String topic, int count) throws Exception {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
    List<Future<RecordMetadata>> sent = new ArrayList<>();
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < count; i++) {
        long id = random.nextLong(1, 800);
        byte[] key = ("{\"id\":" + id + "}").getBytes(StandardCharsets.UTF_8);
        String event = next(id);
        sent.add(
            producer.send(
                new ProducerRecord<>(
                    topic, key, event == null ? null : event.getBytes(StandardCharsets.UTF_8))));
      }
      producer.flush();
    }
    for (Future<RecordMetadata> f : sent) {
      f.get(); // every event is in Kafka, or the test fails here rather than later
    }
  }

  /** The next event for {@code id} (null: a tombstone), applied to the reference table. */
  private String next(long id) {
    lsn += 1 + random.nextInt(100);
    boolean withSchema = random.nextBoolean();
    List<Object> before = table.get(id);
    int kind = random.nextInt(10);
    if (before != null && kind == 0) {
      table.remove(id);
      return envelope(rowJson(before, withSchema), "null", "d", withSchema);
    }
    if (before == null && kind == 1) {
      // a tombstone after a delete: changes nothing
      return null;
    }
    String name = random.nextInt(8) == 0 ? null : "name-" + random.nextInt(10_000);
    BigDecimal balance =
        random.nextInt(8) == 0
            ? null
            : BigDecimal.valueOf(random.nextLong(-1_000_000, 99_999_999), 2);
    Long updatedAt =
        random.nextInt(8) == 0 ? null : 1_764_000_000_000_000L + random.nextLong(1L << 40);
    List<Object> after =
        List.of(
            id,
            String.valueOf(name),
            String.valueOf(balance),
            updatedAt == null ? "null" : updatedAt);
    table.put(id, after);
    String op = before == null ? (random.nextBoolean() ? "c" : "r") : "u";
    return envelope(
        before == null ? "null" : rowJson(before, withSchema),
        rowJson(id, name, balance, updatedAt, withSchema),
        op,
        withSchema);
  }

  private String envelope(String before, String after, String op, boolean withSchema) {
    String payload =
        "{\"before\":"
            + before
            + ",\"after\":"
            + after
            + ",\"source\":{\"lsn\":"
            + lsn
            + ",\"ts_ms\":1764000000000},\"op\":\""
            + op
            + "\",\"ts_ms\":1764000000123}";
    // half of the events carry Kafka Connect's embedded schema, half are bare payloads
    return withSchema
        ? "{\"schema\":" + String.format(SCHEMA, ROW_FIELDS) + ",\"payload\":" + payload + "}"
        : payload;
  }

  private String rowJson(List<Object> row, boolean withSchema) {
    long id = (Long) row.get(0);
    String name = "null".equals(row.get(1)) ? null : (String) row.get(1);
    BigDecimal balance = "null".equals(row.get(2)) ? null : new BigDecimal((String) row.get(2));
    Long at = "null".equals(row.get(3)) ? null : (Long) row.get(3);
    return rowJson(id, name, balance, at, withSchema);
  }

  /**
   * Balances as Kafka Connect's Decimal (base64 of the unscaled two's-complement bytes) when the
   * schema says so, else as Debezium's {@code decimal.handling.mode=string} writes them.
   */
  private static String rowJson(
      long id, String name, BigDecimal balance, Long updatedAt, boolean withSchema) {
    return "{\"id\":"
        + id
        + ",\"name\":"
        + (name == null ? "null" : "\"" + name + "\"")
        + ",\"balance\":"
        + (balance == null
            ? "null"
            : "\""
                + (withSchema
                    ? java.util.Base64.getEncoder()
                        .encodeToString(balance.unscaledValue().toByteArray())
                    : balance.toPlainString())
                + "\"")
        + ",\"updated_at\":"
        + updatedAt
        + "}";
  }

  /**
   * Writes the spec of an upsert pipeline from {@code topic} into {@link #TABLE} in {@code dir}.
   */
  static Path writeSpec(Path dir, String servers, String topic) throws Exception {
    Path warehouse = dir.resolve("warehouse").toAbsolutePath();
    String yaml =
        String.join(
            "\n",
            "pipeline: " + topic,
            "source:",
            "  kafka:",
            "    bootstrap-servers: \"" + servers + "\"",
            "    topics: [" + topic + "]",
            "    format: debezium-json",
            "schema:",
            "  fields:",
            "    - {name: id, type: long, required: true}",
            "    - {name: name, type: string}",
            "    - {name: balance, type: \"decimal(12,2)\"}",
            "    - {name: updated_at, type: timestamp, format: epoch-micros}",
            "sink:",
            "  iceberg:",
            "    catalog: {type: jdbc, uri: \"jdbc:sqlite:"
                + warehouse.resolve("catalog.db")
                + "\", warehouse: \""
                + warehouse
                + "\"}",
            "    table: " + TABLE,
            "    mode: upsert",
            "    key: [id]",
            "checkpoint: {interval: 500ms, dir: \"" + dir.resolve("state").toAbsolutePath() + "\"}",
            "");
    Files.createDirectories(dir);
    Path spec = dir.resolve(topic + ".yaml");
    Files.writeString(spec, yaml);
    return spec;
  }

  /** Asserts that the table in {@code warehouse} equals the one the events describe. */
  void assertTableEquals(Path warehouse) {
    Map<Long, List<Object>> actual = new TreeMap<>();
    List<Long> doubled = new ArrayList<>();
    for (Record r : LakeTables.rows(LakeTables.load(warehouse, TABLE))) {
      Object at = r.getField("updated_at");
      List<Object> row =
          List.of(
              r.getField("id"),
              String.valueOf(r.getField("name")),
              String.valueOf(r.getField("balance")),
              at == null ? "null" : WindowAssertions.micros(at));
      if (actual.put((Long) r.getField("id"), row) != null) {
        doubled.add((Long) r.getField("id"));
      }
    }
    assertThat(doubled).as("keys with two rows (seed %d)", seed).isEmpty();
    List<String> differences = new ArrayList<>();
    table.forEach(
        (id, row) -> {
          if (!row.equals(actual.get(id))) {
            differences.add(id + ": expected " + row + " but the lake has " + actual.get(id));
          }
        });
    actual.keySet().stream()
        .filter(id -> !table.containsKey(id))
        .forEach(id -> differences.add("extra " + id + " " + actual.get(id)));
    assertThat(differences)
        .as(
            "lake table vs the events (seed %d; %d expected rows, %d lake rows)",
            seed, table.size(), actual.size())
        .isEmpty();
  }
}
