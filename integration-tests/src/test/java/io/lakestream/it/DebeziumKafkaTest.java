package io.lakestream.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.cli.embedded.EmbeddedKafkaBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
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
  private static final String TABLE = DebeziumChanges.TABLE;
  @TempDir Path dir;

  @Test
  void changesEqualTheTableTheyDescribe(EmbeddedKafkaBroker broker) throws Exception {
    String topic = "dbz-clean";
    broker.createTopic(topic, 3);
    DebeziumChanges changes = new DebeziumChanges(System.nanoTime());
    changes.produce(broker.bootstrapServers(), topic, 6_000);
    Path spec = writeSpec(broker.bootstrapServers(), topic);

    runBounded(spec, "first");
    assertTableEqualsReference(changes);
    long firstRun =
        LakeTables.load(dir.resolve("warehouse"), TABLE).currentSnapshot().sequenceNumber();

    changes.produce(broker.bootstrapServers(), topic, 4_000);
    runBounded(spec, "second");
    assertTableEqualsReference(changes);
    // the second run's writers load the key index from the table, so the keys the first run wrote
    // are deleted by position (delete-mode: position, the default)
    long positionDeletes = 0;
    for (var s : LakeTables.load(dir.resolve("warehouse"), TABLE).snapshots()) {
      if (s.sequenceNumber() > firstRun) {
        positionDeletes += Long.parseLong(s.summary().getOrDefault("added-position-deletes", "0"));
      }
    }
    assertThat(positionDeletes).as("position deletes added by the second run").isPositive();
  }

  @Test
  void killedRunsLoseNothingAndApplyNothingTwice(EmbeddedKafkaBroker broker) throws Exception {
    String topic = "dbz-crash";
    broker.createTopic(topic, 3);
    DebeziumChanges changes = new DebeziumChanges(System.nanoTime());
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
        DebeziumChanges.ROW_FIELDS.substring(0, DebeziumChanges.ROW_FIELDS.length() - 1)
            + ",{\"type\":\"string\",\"optional\":true,\"field\":\"tier\"}]";
    List<String> events = new ArrayList<>();
    for (long id = 1; id <= 20; id++) {
      events.add(
          event(DebeziumChanges.ROW_FIELDS, "{\"id\":" + id + ",\"name\":\"n" + id + "\"}", "c"));
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
        + String.format(DebeziumChanges.SCHEMA, rowFields)
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
    return DebeziumChanges.writeSpec(dir, servers, topic);
  }

  private void assertTableEqualsReference(DebeziumChanges changes) {
    changes.assertTableEquals(dir.resolve("warehouse"));
  }
}
