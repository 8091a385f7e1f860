package io.lakestream.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.cli.embedded.EmbeddedKafkaBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.apache.iceberg.data.Record;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kappa upgrade: version 1 of a pipeline dedupes by event id alone, which drops the events of
 * different devices that happen to share an id. Version 2 dedupes by device and id into a new
 * table. While version 1 keeps running live and new events keep arriving, {@code backfill v2 --from
 * earliest --then-follow} replays the log from its start (its spec says {@code start: latest}, so
 * the replay is the command's doing), is SIGKILLed once mid-replay and resumes, catches up and goes
 * on as the live pipeline of version 2. Both tables end equal to the test's own dedupe of every
 * event produced, under each version's key: nothing lost at the hand-over, nothing twice. An upsert
 * (CDC) pipeline reprocesses and follows the same way into a new table.
 */
@ExtendWith(KafkaBroker.class)
class ReprocessHandOverTest {
  private static final String TOPIC = "handover-events";
  private static final int PARTITIONS = 3;
  private static final String[] DEVICES = {"ios", "android", "web"};

  /** Event times start an hour ago, 50 ms apart, so none is ahead of the wall clock. */
  private static final Instant BASE =
      Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(3600);

  @TempDir Path dir;

  @Test
  void reprocessWithAChangedDedupeKeyHandsOverToLiveWhileEventsArrive(EmbeddedKafkaBroker broker)
      throws Exception {
    String servers = broker.bootstrapServers();
    broker.createTopic(TOPIC, PARTITIONS);
    long seed = System.nanoTime();
    Random random = new Random(seed);
    String context = "seed " + seed;
    Events events = new Events(random);
    Path v1 = writeSpec(servers, "v1", "[id]", "earliest");
    Path v2 = writeSpec(servers, "v2", "[device, id]", "latest");

    produce(servers, events.next(20_000));
    String[] reprocess = {"backfill", v2.toString(), "--from", "earliest", "--then-follow"};
    try (PipelineProcess live = start("run", v1.toString())) {
      PipelineProcess upgrade = start(reprocess);
      try {
        CompletableFuture<Void> arriving =
            CompletableFuture.runAsync(
                () -> {
                  for (int batch = 0; batch < 40; batch++) {
                    produce(servers, events.next(150));
                    sleep(250);
                  }
                });
        awaitRows(upgrade, "v2", 1);
        Thread.sleep(random.nextInt(1_500));
        upgrade.kill();
        upgrade.close();
        upgrade = start(reprocess);
        arriving.get();
        awaitRows(upgrade, "v2", events.byDeviceAndId().size());

        // caught up: what arrives now is the live pipeline of version 2
        produce(servers, events.next(1_000));
        awaitRows(upgrade, "v2", events.byDeviceAndId().size());
        assertThat(upgrade.isAlive()).as(upgrade.tail()).isTrue();
      } finally {
        upgrade.terminate();
        upgrade.close();
      }
      awaitRows(live, "v1", events.byId().size());
    }

    assertThat(rows("v2")).as(context).isEqualTo(events.byDeviceAndId());
    assertThat(rows("v1")).as(context).isEqualTo(events.byId());
  }

  /**
   * An upsert (CDC) pipeline reprocesses into a new table the same way: Debezium changes with
   * updates, deletes and tombstones keep arriving while {@code backfill --from earliest
   * --then-follow} replays them, is SIGKILLed once mid-replay and resumes; the new table ends equal
   * to the state the changes describe.
   */
  @Test
  void anUpsertPipelineReprocessesIntoANewTableAndFollows(EmbeddedKafkaBroker broker)
      throws Exception {
    String servers = broker.bootstrapServers();
    String topic = "handover-changes";
    broker.createTopic(topic, PARTITIONS);
    long seed = System.nanoTime();
    Random random = new Random(seed);
    DebeziumChanges changes = new DebeziumChanges(seed);
    Path v2 = DebeziumChanges.writeSpec(dir.resolve("cdc-v2"), servers, topic);
    Path warehouse = dir.resolve("cdc-v2").resolve("warehouse").toAbsolutePath();

    changes.produce(servers, topic, 3_000);
    String[] reprocess = {"backfill", v2.toString(), "--from", "earliest", "--then-follow"};
    PipelineProcess upgrade = start(reprocess);
    try {
      CompletableFuture<Void> arriving =
          CompletableFuture.runAsync(
              () -> {
                try {
                  for (int batch = 0; batch < 20; batch++) {
                    changes.produce(servers, topic, 100);
                    Thread.sleep(250);
                  }
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      PipelineProcess first = upgrade;
      Awaitility.await()
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofMillis(200))
          .failFast("the pipeline exited:\n" + first.tail(), () -> !first.isAlive())
          .ignoreExceptions()
          .until(
              () -> !LakeTables.rows(LakeTables.load(warehouse, DebeziumChanges.TABLE)).isEmpty());
      Thread.sleep(random.nextInt(1_500));
      upgrade.kill();
      upgrade.close();
      upgrade = start(reprocess);
      arriving.get();
      PipelineProcess resumed = upgrade;
      Awaitility.await()
          .atMost(Duration.ofMinutes(3))
          .pollInterval(Duration.ofMillis(500))
          .failFast("the pipeline exited:\n" + resumed.tail(), () -> !resumed.isAlive())
          .ignoreExceptions()
          .untilAsserted(() -> changes.assertTableEquals(warehouse));
      assertThat(upgrade.isAlive()).as(upgrade.tail()).isTrue();
    } finally {
      upgrade.terminate();
      upgrade.close();
    }
    changes.assertTableEquals(warehouse);
  }

  /**
   * The test's input and its two references. Ids collide across devices a third of the time, and
   * every tenth record redelivers a recent event exactly. The Kafka key is the id, so every copy of
   * an id lands in one partition and "first" is the order produced.
   */
  private static final class Events {
    private final Random random;
    private final List<String> recent = new ArrayList<>();
    private final Map<List<Object>, Long> byDeviceAndId = new LinkedHashMap<>();
    private final Map<List<Object>, Long> byId = new HashMap<>();
    private long nextId;
    private long produced;

    Events(Random random) {
      this.random = random;
    }

    /** The next {@code n} records as JSON values, with the references updated. */
    synchronized List<String> next(int n) {
      List<String> values = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        String json;
        if (!recent.isEmpty() && random.nextInt(10) == 0) {
          json = recent.get(random.nextInt(recent.size()));
        } else {
          long id = random.nextInt(3) == 0 && nextId > 0 ? nextId - 1 : nextId++;
          String device = DEVICES[random.nextInt(DEVICES.length)];
          long amount = 1 + random.nextInt(1_000);
          Instant time = BASE.plusMillis(50 * produced);
          json =
              "{\"id\":"
                  + id
                  + ",\"device\":\""
                  + device
                  + "\",\"amount\":"
                  + amount
                  + ",\"event_time\":"
                  + time.toEpochMilli()
                  + "}";
          byDeviceAndId.putIfAbsent(List.of(device, id), amount);
          byId.putIfAbsent(List.of(id), amount);
          recent.add(json);
          if (recent.size() > 200) {
            recent.remove(0);
          }
        }
        produced++;
        values.add(json);
      }
      return values;
    }

    synchronized Map<List<Object>, Long> byDeviceAndId() {
      return new HashMap<>(byDeviceAndId);
    }

    synchronized Map<List<Object>, Long> byId() {
      return new HashMap<>(byId);
    }
  }

  /** Waits until the version's table holds {@code count} rows. */
  private void awaitRows(PipelineProcess run, String version, int count) {
    Awaitility.await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofMillis(500))
        .failFast("the pipeline exited:\n" + run.tail(), () -> !run.isAlive())
        .ignoreExceptions()
        .until(() -> LakeTables.rows(table(version)).size() >= count);
  }

  /** The version's rows by its dedupe key, each key once. */
  private Map<List<Object>, Long> rows(String version) {
    Map<List<Object>, Long> rows = new HashMap<>();
    for (Record r : LakeTables.rows(table(version))) {
      List<Object> key =
          version.equals("v1")
              ? List.of(r.getField("id"))
              : List.of(r.getField("device"), r.getField("id"));
      Long previous = rows.put(key, (Long) r.getField("amount"));
      assertThat(previous).as("%s row %s once", version, key).isNull();
    }
    return rows;
  }

  private org.apache.iceberg.Table table(String version) {
    return LakeTables.load(dir.resolve("warehouse").toAbsolutePath(), "it.events_" + version);
  }

  private static void produce(String servers, List<String> values) {
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
      for (String json : values) {
        String id = json.substring(json.indexOf(':') + 1, json.indexOf(','));
        producer.send(
            new ProducerRecord<>(
                TOPIC, id.getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8)));
      }
      producer.flush();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private Path writeSpec(String servers, String version, String key, String start)
      throws Exception {
    Path warehouse = dir.resolve("warehouse").toAbsolutePath();
    Files.createDirectories(warehouse);
    String spec =
        "pipeline: events-"
            + version
            + "\n"
            + "parallelism: 2\n"
            + "source:\n"
            + "  kafka:\n"
            + "    bootstrap-servers: \""
            + servers
            + "\"\n"
            + "    topics: ["
            + TOPIC
            + "]\n"
            + "    start: "
            + start
            + "\n"
            + "schema:\n"
            + "  fields:\n"
            + "    - {name: id, type: long, required: true}\n"
            + "    - {name: device, type: string, required: true}\n"
            + "    - {name: amount, type: long}\n"
            + "    - {name: event_time, type: timestamp, format: epoch-millis}\n"
            + "event-time: {field: event_time, max-out-of-orderness: 5s, idle-timeout: 1s}\n"
            + "transforms:\n"
            + "  - dedupe: {key: "
            + key
            + ", ttl: 2h, keep: first}\n"
            + "sink:\n"
            + "  iceberg:\n"
            + "    catalog: {type: jdbc, name: lakestream, uri: \"jdbc:sqlite:"
            + warehouse
            + "/catalog.db\", warehouse: \""
            + warehouse
            + "\"}\n"
            + "    table: it.events_"
            + version
            + "\n"
            + "checkpoint: {interval: 500ms, dir: \""
            + dir.resolve("state-" + version).toAbsolutePath()
            + "\"}\n";
    Path file = dir.resolve(version + ".yaml");
    Files.writeString(file, spec);
    return file;
  }

  private PipelineProcess start(String... args) throws Exception {
    return PipelineProcess.start(dir.resolve("logs"), List.of(), args);
  }
}
