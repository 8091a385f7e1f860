package io.lakestream.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.cli.embedded.EmbeddedKafkaBroker;
import io.lakestream.hudi.HudiSnapshotReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
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
import org.postgresql.replication.LogSequenceNumber;

/**
 * Rows a Hudi table refuses that no Kafka record names, under {@code errors.policy: dead-letter}:
 * PostgreSQL changes whose ordering field is null, and window results whose ordering field (an
 * aggregate) is null. Each lands in the dead-letter table with the coordinates its path has (slot,
 * table, LSN and key; window bounds and group), and the Hudi table holds everything else.
 */
@ExtendWith({Postgres.class, KafkaBroker.class})
class HudiRefusedRowsTest {
  private static final String SLOT = "slot_hudi_refused";
  private static final String TOPIC = "hudi-refused-windows";
  private static final long MINUTE = 60_000;

  @TempDir Path dir;

  /** One update the Hudi table refuses, and the WAL position before its transaction began. */
  private record Refused(long id, long amount, long walBefore, long walAfterPrevious) {}

  @Test
  void changesWithANullOrderingFieldAreDeadLetteredWithTheirLsn(PostgresServer pg)
      throws Exception {
    String db = "cdc_hudi_refused";
    pg.createDatabase(db);
    Path table = dir.resolve("warehouse/hudi/orders").toAbsolutePath();
    Path spec = cdcSpec(pg, db, table);
    Map<Long, Long> expected = new TreeMap<>(); // id -> amount: the source minus refused changes
    List<Refused> refused = new ArrayList<>();
    try (Connection c = pg.connect(db);
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE orders (id bigint PRIMARY KEY, amount bigint, updated_at bigint)");
      s.execute("INSERT INTO orders SELECT g, g * 10, 1 FROM generate_series(1, 30) g");
      for (long id = 1; id <= 30; id++) {
        expected.put(id, id * 10);
      }
      run(spec, "snapshot");

      long version = 2; // updated_at only grows: Hudi keeps the newest by it
      for (long id = 3; id < 30; id += 9) {
        long afterPrevious = wal(s);
        s.execute(
            "UPDATE orders SET amount = amount + 1, updated_at = "
                + version++
                + " WHERE id = "
                + (id + 1));
        expected.merge(id + 1, 1L, Long::sum);
        long before = wal(s);
        s.execute("UPDATE orders SET amount = 999, updated_at = NULL WHERE id = " + id);
        refused.add(new Refused(id, 999, before, afterPrevious));
      }
      s.execute("UPDATE orders SET amount = 5, updated_at = " + version++ + " WHERE id = 12");
      expected.put(12L, 5L); // refused once, then a good version
      s.execute("DELETE FROM orders WHERE id = 20");
      expected.remove(20L);
      run(spec, "changes");
    }

    assertThat(amounts(table)).isEqualTo(expected);
    Map<Long, Map<String, Object>> deadLettered = new TreeMap<>();
    for (Map<String, Object> r :
        HudiSnapshotReader.read(table.resolveSibling("orders_dead_letter").toUri().toString())) {
      long position = (Long) r.get("position");
      String origin = (String) r.get("origin");
      long id = Long.parseLong(origin.substring(origin.lastIndexOf('=') + 1, origin.length() - 1));
      deadLettered.put(id, r);
      assertThat(origin)
          .isEqualTo(
              "slot "
                  + SLOT
                  + ", table public.orders, after LSN "
                  + LogSequenceNumber.valueOf(position).asString()
                  + ", key {id="
                  + id
                  + "}");
      assertThat(r.get("topic")).isNull();
      assertThat(r.get("offset")).isNull();
      assertThat(r.get("stage")).isEqualTo("sink");
      assertThat(r.get("error"))
          .isEqualTo(
              "Hudi table lake.orders rejects the row: its ordering field \"updated_at\" is null");
    }
    assertThat(deadLettered.keySet())
        .containsExactlyElementsOf(refused.stream().map(Refused::id).toList());
    for (Refused want : refused) {
      Map<String, Object> got = deadLettered.get(want.id());
      // the position is the last commit read before the change: after the previous update's
      // transaction began, not after the refused change's own transaction began
      assertThat((Long) got.get("position"))
          .isGreaterThan(want.walAfterPrevious())
          .isLessThanOrEqualTo(want.walBefore());
      assertThat(got.get("row"))
          .isEqualTo("{id=" + want.id() + ", amount=" + want.amount() + ", updated_at=null}");
    }
  }

  @Test
  void windowResultsWithANullOrderingFieldAreDeadLetteredWithTheirWindow(EmbeddedKafkaBroker broker)
      throws Exception {
    broker.createTopic(TOPIC, 1);
    // devices d0..d5 report for 5 minutes; d3 never says when it was last seen
    List<String> values = new ArrayList<>();
    Map<String, Long> expected = new TreeMap<>(); // "start device" -> readings, for accepted rows
    List<String> refusedKeys = new ArrayList<>(); // "start device" of the refused rows
    for (long minute = 0; minute < 5; minute++) {
      for (int d = 0; d < 6; d++) {
        String device = "d" + d;
        long readings = 1 + (minute + d) % 3;
        for (long i = 0; i < readings; i++) {
          long ts = minute * MINUTE + 1_000 * (d * 3 + i);
          String seen = d == 3 ? "null" : Long.toString(ts);
          values.add(
              "{\"device\": \"" + device + "\", \"seen_at\": " + seen + ", \"ts\": " + ts + "}");
        }
        String key = Instant.ofEpochMilli(minute * MINUTE) + " " + device;
        if (d == 3) {
          refusedKeys.add(key);
        } else {
          expected.put(key, readings);
        }
      }
    }
    produce(broker.bootstrapServers(), values);
    Path table = dir.resolve("warehouse/hudi/device_minutes").toAbsolutePath();

    run(windowSpec(broker.bootstrapServers(), table), "windows");

    Map<String, Long> landed = new TreeMap<>();
    for (Map<String, Object> r : HudiSnapshotReader.read(table.toUri().toString())) {
      String key = start(r.get("window_start")) + " " + r.get("device");
      assertThat(landed.put(key, (Long) r.get("readings"))).isNull();
    }
    assertThat(landed).isEqualTo(expected);

    List<String> deadLettered = new ArrayList<>();
    for (Map<String, Object> r :
        HudiSnapshotReader.read(
            table.resolveSibling("device_minutes_dead_letter").toUri().toString())) {
      String origin = (String) r.get("origin");
      assertThat(origin).matches("transforms\\[0]\\.window \\[.*, .*\\) group \\[d3]");
      Instant from =
          Instant.parse(origin.substring(origin.indexOf('[', 14) + 1, origin.indexOf(',')));
      assertThat(origin)
          .isEqualTo(
              "transforms[0].window [" + from + ", " + from.plusMillis(MINUTE) + ") group [d3]");
      assertThat(r.get("position")).isNull();
      assertThat(r.get("error"))
          .isEqualTo(
              "Hudi table it.device_minutes rejects the row: its ordering field \"last_seen\" is"
                  + " null");
      deadLettered.add(from + " d3");
    }
    assertThat(deadLettered).containsExactlyInAnyOrderElementsOf(refusedKeys);
  }

  private static String start(Object windowStart) {
    return ((Instant) windowStart).toString(); // Hudi's reader gives a timestamp as an Instant
  }

  private static long wal(Statement s) throws Exception {
    try (ResultSet rs = s.executeQuery("SELECT pg_current_wal_insert_lsn()")) {
      rs.next();
      return LogSequenceNumber.valueOf(rs.getString(1)).asLong();
    }
  }

  private static Map<Long, Long> amounts(Path table) {
    Map<Long, Long> result = new TreeMap<>();
    for (Map<String, Object> r : HudiSnapshotReader.read(table.toUri().toString())) {
      assertThat(result.put((Long) r.get("id"), (Long) r.get("amount"))).isNull();
    }
    return result;
  }

  private void run(Path spec, String name) throws Exception {
    try (PipelineProcess p =
        PipelineProcess.start(
            dir.resolve("logs-" + name), List.of(), "run", spec.toString(), "--stop-at-end")) {
      assertThat(p.waitFor(Duration.ofMinutes(3))).as(p.tail()).isZero();
    }
  }

  private Path cdcSpec(PostgresServer pg, String db, Path table) throws Exception {
    return write(
        "cdc.yaml",
        "pipeline: cdc-hudi-refused",
        "source:",
        "  postgres:",
        "    url: \"" + pg.jdbcUrl(db) + "\"",
        "    user: " + pg.user(),
        "    password: \"" + pg.password() + "\"",
        "    tables: [public.orders]",
        "    slot: " + SLOT,
        "sink:",
        "  hudi:",
        "    path: \"" + table + "\"",
        "    table: lake.orders",
        "    ordering-field: updated_at",
        "checkpoint: {interval: 500ms, dir: \"" + dir.resolve("state-cdc") + "\"}",
        "errors: {policy: dead-letter}");
  }

  private Path windowSpec(String servers, Path table) throws Exception {
    return write(
        "windows.yaml",
        "pipeline: hudi-refused-windows",
        "source:",
        "  kafka:",
        "    bootstrap-servers: \"" + servers + "\"",
        "    topics: [" + TOPIC + "]",
        "    start: earliest",
        "schema:",
        "  fields:",
        "    - {name: device, type: string}",
        "    - {name: seen_at, type: long}",
        "    - {name: ts, type: timestamp, format: epoch-millis}",
        "event-time: {field: ts}",
        "transforms:",
        "  - window:",
        "      type: tumbling",
        "      size: 1m",
        "      group-by: [device]",
        "      aggregates: {readings: \"count(*)\", last_seen: \"max(seen_at)\"}",
        "sink:",
        "  hudi:",
        "    path: \"" + table + "\"",
        "    table: it.device_minutes",
        "    ordering-field: last_seen",
        "checkpoint: {interval: 500ms, dir: \"" + dir.resolve("state-windows") + "\"}",
        "errors: {policy: dead-letter}");
  }

  private Path write(String name, String... lines) throws Exception {
    Path spec = dir.resolve(name);
    Files.writeString(spec, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    return spec;
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
}
