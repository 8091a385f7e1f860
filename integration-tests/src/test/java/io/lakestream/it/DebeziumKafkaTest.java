package io.lakestream.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.cli.embedded.EmbeddedKafkaBroker;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debezium change events read from Kafka into an Iceberg upsert table. The test produces a
 * randomized stream of creates, snapshot reads, updates (the same key many times in a row), deletes
 * and tombstones, keyed by the primary key as Debezium does, with and without embedded schemas; its
 * reference is the table the events describe (the last image of every key not deleted). The lake
 * table must equal it on a clean run and on a run killed with SIGKILL again and again.
 */
@ExtendWith(KafkaBroker.class)
class DebeziumKafkaTest {
  private static final String TABLE = "lake.customers";
  private static final String SCHEMA =
      "{\"type\":\"struct\",\"fields\":["
          + "{\"type\":\"struct\",\"optional\":true,\"field\":\"before\",\"fields\":%1$s},"
          + "{\"type\":\"struct\",\"optional\":true,\"field\":\"after\",\"fields\":%1$s},"
          + "{\"type\":\"struct\",\"optional\":false,\"field\":\"source\",\"fields\":["
          + "{\"type\":\"int64\",\"optional\":true,\"field\":\"lsn\"},"
          + "{\"type\":\"int64\",\"optional\":false,\"field\":\"ts_ms\"}]},"
          + "{\"type\":\"string\",\"optional\":false,\"field\":\"op\"},"
          + "{\"type\":\"int64\",\"optional\":true,\"field\":\"ts_ms\"}],"
          + "\"optional\":false,\"name\":\"shop.public.customers.Envelope\"}";
  private static final String ROW_FIELDS =
      "[{\"type\":\"int64\",\"optional\":false,\"field\":\"id\"},"
          + "{\"type\":\"string\",\"optional\":true,\"field\":\"name\"},"
          + "{\"type\":\"bytes\",\"optional\":true,\"name\":\"org.apache.kafka.connect.data.Decimal\","
          + "\"parameters\":{\"scale\":\"2\"},\"field\":\"balance\"},"
          + "{\"type\":\"int64\",\"optional\":true,\"name\":\"io.debezium.time.MicroTimestamp\","
          + "\"field\":\"updated_at\"}]";

  @TempDir Path dir;

  @Test
  void changesEqualTheTableTheyDescribe(EmbeddedKafkaBroker broker) throws Exception {
    String topic = "dbz-clean";
    broker.createTopic(topic, 3);
    Changes changes = new Changes(System.nanoTime());
    changes.produce(broker.bootstrapServers(), topic, 6_000);
    Path spec = writeSpec(broker.bootstrapServers(), topic);

    runBounded(spec, "first");
    assertTableEqualsReference(changes);

    changes.produce(broker.bootstrapServers(), topic, 4_000);
    runBounded(spec, "second");
    assertTableEqualsReference(changes);
  }

  @Test
  void killedRunsLoseNothingAndApplyNothingTwice(EmbeddedKafkaBroker broker) throws Exception {
    String topic = "dbz-crash";
    broker.createTopic(topic, 3);
    Changes changes = new Changes(System.nanoTime());
    Path spec = writeSpec(broker.bootstrapServers(), topic);
    List<String> kills = List.of("COMMITTED", "random", "PERSISTED", "PREPARED", "random");
    int run = 0;
    for (String kill : kills) {
      changes.produce(broker.bootstrapServers(), topic, 3_000);
      List<String> props =
          kill.equals("random") ? List.of() : List.of("lakestream.debug.pause-at=" + kill);
      try (PipelineProcess p =
          PipelineProcess.start(dir.resolve("logs-" + run++), props, "run", spec.toString())) {
        if (kill.equals("random")) {
          Thread.sleep(1_000 + changes.random.nextInt(3_000));
        } else {
          p.awaitOutput("PAUSED " + kill, Duration.ofSeconds(60));
        }
        p.kill();
      }
    }
    changes.produce(broker.bootstrapServers(), topic, 2_000);
    runBounded(spec, "final");
    assertTableEqualsReference(changes);
  }

  /**
   * Events whose embedded schema gains a column while the pipeline streams: the lake table gains it
   * in the commit of the first rows that have it, and a later run (which starts from the spec's
   * columns again) finds it there and keeps filling it.
   */
  @Test
  void followsAColumnTheEventsGain(EmbeddedKafkaBroker broker) throws Exception {
    String topic = "dbz-evolve";
    broker.createTopic(topic, 2);
    String tierFields =
        ROW_FIELDS.substring(0, ROW_FIELDS.length() - 1)
            + ",{\"type\":\"string\",\"optional\":true,\"field\":\"tier\"}]";
    List<String> events = new ArrayList<>();
    for (long id = 1; id <= 20; id++) {
      events.add(event(ROW_FIELDS, "{\"id\":" + id + ",\"name\":\"n" + id + "\"}", "c"));
    }
    for (long id = 15; id <= 30; id++) {
      events.add(
          event(tierFields, "{\"id\":" + id + ",\"name\":\"m" + id + "\",\"tier\":\"gold\"}", "u"));
    }
    produceRaw(broker.bootstrapServers(), topic, events);
    Path spec = writeSpec(broker.bootstrapServers(), topic);
    runBounded(spec, "evolve-1");
    produceRaw(
        broker.bootstrapServers(),
        topic,
        List.of(event(tierFields, "{\"id\":1,\"name\":\"x1\",\"tier\":\"silver\"}", "u")));
    runBounded(spec, "evolve-2");

    Map<Long, String> tiers = new TreeMap<>();
    Map<Long, String> names = new TreeMap<>();
    for (Record r : LakeTables.rows(LakeTables.load(dir.resolve("warehouse"), TABLE))) {
      tiers.put((Long) r.getField("id"), (String) r.getField("tier"));
      names.put((Long) r.getField("id"), (String) r.getField("name"));
    }
    Map<Long, String> expectedTiers = new TreeMap<>();
    Map<Long, String> expectedNames = new TreeMap<>();
    for (long id = 1; id <= 30; id++) {
      expectedTiers.put(id, id == 1 ? "silver" : id >= 15 ? "gold" : null);
      expectedNames.put(id, id == 1 ? "x1" : id >= 15 ? "m" + id : "n" + id);
    }
    assertThat(names).isEqualTo(expectedNames);
    assertThat(tiers).isEqualTo(expectedTiers);
  }

  private static String event(String rowFields, String after, String op) {
    return "{\"schema\":"
        + String.format(SCHEMA, rowFields)
        + ",\"payload\":{\"before\":null,\"after\":"
        + after
        + ",\"source\":{\"lsn\":1,\"ts_ms\":1764000000000},\"op\":\""
        + op
        + "\",\"ts_ms\":1764000000123}}";
  }

  /** Produces {@code values} keyed by their id, in order (one key, one partition). */
  private static void produceRaw(String servers, String topic, List<String> values)
      throws Exception {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
    List<Future<RecordMetadata>> sent = new ArrayList<>();
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (String v : values) {
        String id = v.replaceAll(".*\"after\":\\{\"id\":(\\d+).*", "$1");
        sent.add(
            producer.send(
                new ProducerRecord<>(
                    topic,
                    ("{\"id\":" + id + "}").getBytes(StandardCharsets.UTF_8),
                    v.getBytes(StandardCharsets.UTF_8))));
      }
      producer.flush();
    }
    for (Future<RecordMetadata> f : sent) {
      f.get();
    }
  }

  private void runBounded(Path spec, String name) throws Exception {
    try (PipelineProcess p =
        PipelineProcess.start(
            dir.resolve("logs-" + name), List.of(), "run", spec.toString(), "--stop-at-end")) {
      assertThat(p.waitFor(Duration.ofMinutes(3))).as(p.tail()).isZero();
    }
  }

  private Path writeSpec(String servers, String topic) throws Exception {
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

  private void assertTableEqualsReference(Changes changes) {
    Map<Long, List<Object>> actual = new TreeMap<>();
    List<Long> doubled = new ArrayList<>();
    for (Record r : LakeTables.rows(LakeTables.load(dir.resolve("warehouse"), TABLE))) {
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
    assertThat(doubled).as("keys with two rows (seed %d)", changes.seed).isEmpty();
    List<String> differences = new ArrayList<>();
    changes.table.forEach(
        (id, row) -> {
          if (!row.equals(actual.get(id))) {
            differences.add(id + ": expected " + row + " but the lake has " + actual.get(id));
          }
        });
    actual.keySet().stream()
        .filter(id -> !changes.table.containsKey(id))
        .forEach(id -> differences.add("extra " + id + " " + actual.get(id)));
    assertThat(differences)
        .as(
            "lake table vs the events (seed %d; %d expected rows, %d lake rows)",
            changes.seed, changes.table.size(), actual.size())
        .isEmpty();
  }

  /** The change events produced so far, and the table they describe. */
  private static final class Changes {
    final long seed;
    final SplittableRandom random;
    final Map<Long, List<Object>> table = new TreeMap<>();
    private long lsn = 1_000;

    Changes(long seed) {
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
  }
}
