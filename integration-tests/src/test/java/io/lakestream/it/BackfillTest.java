package io.lakestream.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestream.cli.embedded.EmbeddedKafkaBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.iceberg.data.Record;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A live window pipeline and a range backfill with changed logic, both SIGKILLed at random: the
 * backfill recomputes three past windows with a filter the live pipeline lacks and publishes them
 * while the live pipeline keeps committing newer windows. The final table holds, for every window
 * and category, the count and sum the test computes itself: the new logic inside the range, the old
 * outside. Partitions are uneven: inside the range they hold 10, 30,000, none and 500 records. A
 * rerun after success publishes nothing, and a range the live pipeline has not passed yet is
 * refused.
 */
@ExtendWith(KafkaBroker.class)
class BackfillTest {
  private static final String TOPIC = "backfill-orders";
  private static final String TABLE = "it.orders_by_minute";

  /** An hour ago: older records would fall to the broker's time-based retention. */
  private static final Instant BASE =
      Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MINUTES).minus(Duration.ofHours(1));

  private static final int MINUTES = 16;
  private static final int FIRST_LIVE_MINUTES = 10;

  /** Records per minute in each partition outside the range. */
  private static final int[] PER_MINUTE = {300, 3, 5, 40};

  /**
   * Records in each partition inside the range, spread over its minutes; partition 2 has none from
   * a minute before the range to a minute after it, so it idles through the whole replay.
   */
  private static final int[] IN_RANGE = {10, 30_000, 0, 500};

  private static final int RANGE_FROM = 3;
  private static final int RANGE_TO = 6;
  private static final long THRESHOLD = 50;
  private static final String[] CATEGORIES = {"books", "games", "tools"};

  @TempDir Path dir;

  @Test
  void repairsARangeWithNewLogicWhileTheLivePipelineRunsAcrossKills(EmbeddedKafkaBroker broker)
      throws Exception {
    String servers = broker.bootstrapServers();
    broker.createTopic(TOPIC, PER_MINUTE.length);
    long seed = System.nanoTime();
    Random random = new Random(seed);
    String context = "seed " + seed;
    List<Event> events = new ArrayList<>();
    for (int minute = 0; minute < MINUTES; minute++) {
      events.addAll(minute(minute, random));
    }
    for (int p = 0; p < IN_RANGE.length; p++) {
      int partition = p;
      assertThat(
              events.stream()
                  .filter(e -> e.partition() == partition)
                  .filter(e -> e.minute() >= RANGE_FROM && e.minute() < RANGE_TO)
                  .count())
          .isEqualTo(IN_RANGE[p]);
    }
    Path live = writeSpec(servers, "live.yaml", "");
    Path repaired =
        writeSpec(servers, "repaired.yaml", "  - filter: \"amount >= " + THRESHOLD + "\"\n");

    produce(servers, events.stream().filter(e -> e.minute() < FIRST_LIVE_MINUTES).toList());
    try (PipelineProcess run = start("run", live.toString())) {
      awaitWindow(FIRST_LIVE_MINUTES - 2, run);
      run.kill();
    }

    // a range the live pipeline's watermark has not passed is refused
    try (PipelineProcess early =
        start(
            "backfill",
            repaired.toString(),
            "--from",
            at(FIRST_LIVE_MINUTES + 2).toString(),
            "--to",
            at(FIRST_LIVE_MINUTES + 4).toString(),
            "--publish",
            "replace")) {
      assertThat(early.waitFor(Duration.ofMinutes(2))).as(early.tail()).isEqualTo(1);
      assertThat(early.stderr()).contains("The live pipeline may still change");
    }

    // the live pipeline keeps running and is killed at random while newer minutes arrive and the
    // backfill runs; the backfill is killed at random too, then run until it finishes
    String[] backfill = {
      "backfill",
      repaired.toString(),
      "--from",
      at(RANGE_FROM).toString(),
      "--to",
      at(RANGE_TO).toString(),
      "--publish",
      "replace",
      "--json"
    };
    PipelineProcess liveRun = start("run", live.toString());
    try {
      produce(servers, events.stream().filter(e -> e.minute() >= FIRST_LIVE_MINUTES).toList());
      for (int kill = 0; kill < 2; kill++) {
        try (PipelineProcess b = start(backfill)) {
          Thread.sleep(1_500 + random.nextInt(3_000));
          b.kill();
        }
        Thread.sleep(random.nextInt(1_000));
        liveRun.kill();
        liveRun.close();
        liveRun = start("run", live.toString());
      }
      JsonNode result;
      try (PipelineProcess b = start(backfill)) {
        assertThat(b.waitFor(Duration.ofMinutes(3))).as("%s\n%s", context, b.tail()).isZero();
        result = new ObjectMapper().readTree(b.stdout());
      }
      assertThat(result.get("range").get("from").asText()).isEqualTo(at(RANGE_FROM).toString());
      assertThat(result.get("published")).as(result.toString()).isNotNull();
    } finally {
      liveRun.kill();
      liveRun.close();
    }
    try (PipelineProcess last = start("run", live.toString(), "--stop-at-end")) {
      assertThat(last.waitFor(Duration.ofMinutes(3))).as("%s\n%s", context, last.tail()).isZero();
    }

    Map<List<Object>, List<Long>> expected =
        reference(events, e -> e >= RANGE_FROM && e < RANGE_TO ? THRESHOLD : Long.MIN_VALUE);
    assertThat(tableRows()).as(context).isEqualTo(expected);

    // a rerun after success reads nothing new and publishes nothing
    try (PipelineProcess again = start(backfill)) {
      assertThat(again.waitFor(Duration.ofMinutes(3))).as(again.tail()).isZero();
      JsonNode result = new ObjectMapper().readTree(again.stdout());
      assertThat(result.get("published").get("committed").asBoolean())
          .as(result.toString())
          .isFalse();
      assertThat(result.get("drift").get("changed").asLong()).as(result.toString()).isZero();
      assertThat(result.get("drift").get("onlyLive").asLong()).as(result.toString()).isZero();
    }
    assertThat(tableRows()).as(context).isEqualTo(expected);
  }

  /** One record of the test's input; its Kafka timestamp is its event time. */
  private record Event(
      int minute, int partition, long id, String category, long amount, Instant time) {}

  private static List<Event> minute(int minute, Random random) {
    List<Event> events = new ArrayList<>();
    for (int p = 0; p < PER_MINUTE.length; p++) {
      int n = PER_MINUTE[p];
      if (minute >= RANGE_FROM && minute < RANGE_TO) {
        int k = minute - RANGE_FROM;
        int minutes = RANGE_TO - RANGE_FROM;
        n = IN_RANGE[p] * (k + 1) / minutes - IN_RANGE[p] * k / minutes;
      } else if (p == 2 && (minute == RANGE_FROM - 1 || minute == RANGE_TO)) {
        n = 0;
      }
      for (int i = 0; i < n; i++) {
        // increasing within the partition, so no record is ever late
        Instant time = at(minute).plusMillis(60_000L * i / n);
        events.add(
            new Event(
                minute,
                p,
                (long) minute * 1_000_000 + p * 100_000 + i,
                CATEGORIES[random.nextInt(CATEGORIES.length)],
                1 + random.nextInt(100),
                time));
      }
    }
    return events;
  }

  private static Instant at(int minute) {
    return BASE.plus(Duration.ofMinutes(minute));
  }

  /**
   * Count and sum per window start and category, of the records whose amount is at least the
   * threshold the window's minute gives.
   */
  private static Map<List<Object>, List<Long>> reference(
      List<Event> events, java.util.function.IntToLongFunction threshold) {
    Map<List<Object>, List<Long>> rows = new HashMap<>();
    for (Event e : events) {
      if (e.amount() < threshold.applyAsLong(e.minute())) {
        continue;
      }
      List<Long> agg =
          rows.computeIfAbsent(
              List.of(at(e.minute()), e.category()), k -> new ArrayList<>(List.of(0L, 0L)));
      agg.set(0, agg.get(0) + 1);
      agg.set(1, agg.get(1) + e.amount());
    }
    return rows;
  }

  /** Waits until the live pipeline committed the window starting at {@code minute}. */
  private void awaitWindow(int minute, PipelineProcess run) {
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofMillis(500))
        .failFast("the pipeline exited:\n" + run.tail(), () -> !run.isAlive())
        .ignoreExceptions()
        .until(() -> tableRows().keySet().stream().anyMatch(k -> k.get(0).equals(at(minute))));
  }

  private Map<List<Object>, List<Long>> tableRows() {
    Map<List<Object>, List<Long>> rows = new HashMap<>();
    for (Record r :
        LakeTables.rows(LakeTables.load(dir.resolve("warehouse").toAbsolutePath(), TABLE))) {
      List<Object> key =
          List.of(
              ((OffsetDateTime) r.getField("window_start")).toInstant(), r.getField("category"));
      List<Long> previous =
          rows.put(key, List.of((Long) r.getField("n"), (Long) r.getField("total")));
      assertThat(previous).as("window %s once", key).isNull();
    }
    return rows;
  }

  private static void produce(String servers, List<Event> events) throws Exception {
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                servers,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true),
            new ByteArraySerializer(),
            new ByteArraySerializer())) {
      for (Event e : events) {
        String json =
            "{\"id\":"
                + e.id()
                + ",\"category\":\""
                + e.category()
                + "\",\"amount\":"
                + e.amount()
                + ",\"event_time\":"
                + e.time().toEpochMilli()
                + "}";
        producer.send(
            new ProducerRecord<>(
                TOPIC,
                e.partition(),
                e.time().toEpochMilli(),
                null,
                json.getBytes(StandardCharsets.UTF_8)));
      }
      producer.flush();
    }
  }

  private Path writeSpec(String servers, String name, String extraSteps) throws Exception {
    Path warehouse = dir.resolve("warehouse").toAbsolutePath();
    Files.createDirectories(warehouse);
    String spec =
        "pipeline: backfilled\n"
            + "parallelism: 2\n"
            + "source:\n"
            + "  kafka:\n"
            + "    bootstrap-servers: \""
            + servers
            + "\"\n"
            + "    topics: ["
            + TOPIC
            + "]\n"
            + "    start: earliest\n"
            + "schema:\n"
            + "  fields:\n"
            + "    - {name: id, type: long, required: true}\n"
            + "    - {name: category, type: string}\n"
            + "    - {name: amount, type: long}\n"
            + "    - {name: event_time, type: timestamp, format: epoch-millis}\n"
            + "event-time: {field: event_time, max-out-of-orderness: 5s, idle-timeout: 1s}\n"
            + "transforms:\n"
            + extraSteps
            + "  - window:\n"
            + "      type: tumbling\n"
            + "      size: 1m\n"
            + "      group-by: [category]\n"
            + "      aggregates:\n"
            + "        n: \"count(*)\"\n"
            + "        total: \"sum(amount)\"\n"
            + "sink:\n"
            + "  iceberg:\n"
            + "    catalog: {type: jdbc, name: lakestream, uri: \"jdbc:sqlite:"
            + warehouse
            + "/catalog.db\", warehouse: \""
            + warehouse
            + "\"}\n"
            + "    table: "
            + TABLE
            + "\n"
            + "checkpoint: {interval: 500ms, dir: \""
            + dir.resolve("state").toAbsolutePath()
            + "\"}\n";
    Path file = dir.resolve(name);
    Files.writeString(file, spec);
    return file;
  }

  private PipelineProcess start(String... args) throws Exception {
    return PipelineProcess.start(dir.resolve("logs"), List.of(), args);
  }
}
