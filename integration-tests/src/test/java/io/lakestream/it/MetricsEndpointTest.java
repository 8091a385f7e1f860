package io.lakestream.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.lakestream.cli.embedded.EmbeddedKafkaBroker;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.utils.Utils;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real pipeline (dead-letter policy, event time, a dedupe step) serves {@code /metrics}, {@code
 * /health} and {@code /ready} while it runs: the counters and the lag per partition match what the
 * test produced (good events, malformed records, duplicates), the watermark and freshness match the
 * event times it produced, and while the catalog is locked the pipeline is not ready, says why, and
 * shows the lag of what it cannot commit; once the catalog answers it is ready again.
 */
@ExtendWith(KafkaBroker.class)
class MetricsEndpointTest {
  private static final int PARTITIONS = 2;
  private static final int EVENTS = 2_000;
  private static final int BAD_EVERY = 100;
  private static final int DUPLICATES = 300;
  private static final int MORE = 1_000;

  @TempDir Path dir;

  @Test
  void scrapesWhatWasProducedAndIsNotReadyWhileTheCatalogIsLocked(EmbeddedKafkaBroker broker)
      throws Exception {
    String topic = "metrics-endpoint";
    broker.createTopic(topic, PARTITIONS);
    String servers = broker.bootstrapServers();
    TestEvents.Produced first = TestEvents.produce(servers, topic, 0, EVENTS, BAD_EVERY);
    TestEvents.produce(servers, topic, 0, DUPLICATES, 0); // the same events again
    int bad = first.badCoordinates().size();
    assertThat(bad).isEqualTo(EVENTS / BAD_EVERY);

    TestPipeline p = TestPipeline.of(dir, servers, topic).withPolicy("dead-letter");
    Path spec =
        p.writeSpec(
            "    - {name: payload, type: string} => event-time: {field: event_time}\n"
                + "transforms:\n"
                + "  - dedupe: {key: [event_id], ttl: 1d}",
            "dead-letter-table: "
                + TestPipeline.DEAD_LETTER_TABLE
                + "} => metrics: {ready-intervals: 4}");
    int port = freePort();
    String pipeline = p.pipelineId();
    try (PipelineProcess run =
        PipelineProcess.start(
            dir.resolve("logs"),
            List.of(),
            "run",
            spec.toString(),
            "--metrics-port",
            String.valueOf(port))) {
      // everything of the first batch committed: the counters are the test's numbers (the lag is
      // asked of the positions once the commit has moved them, so it may trail the counters)
      Scrape s =
          awaitScrape(
              run,
              port,
              x ->
                  committed(x, pipeline, TestPipeline.TABLE) == EVENTS
                      && committed(x, pipeline, TestPipeline.DEAD_LETTER_TABLE) == bad
                      && x.find("lakestream_source_lag_records").size() == PARTITIONS
                      && x.find("lakestream_source_lag_records").stream()
                          .allMatch(lag -> lag.value() == 0));
      assertThat(s.value("lakestream_records_in_total", "pipeline", pipeline, "writer", "default"))
          .isEqualTo(EVENTS + bad + DUPLICATES);
      assertThat(s.value("lakestream_records_out_total", "pipeline", pipeline)).isEqualTo(EVENTS);
      assertThat(s.value("lakestream_records_dead_lettered_total", "pipeline", pipeline))
          .isEqualTo(bad);
      assertThat(s.value("lakestream_records_duplicates_total", "pipeline", pipeline))
          .isEqualTo(DUPLICATES);
      assertThat(s.value("lakestream_records_skipped_total", "pipeline", pipeline)).isZero();
      for (int partition = 0; partition < PARTITIONS; partition++) {
        assertThat(s.value("lakestream_source_lag_records", "split", topic + ":" + partition))
            .isZero();
        assertThat(s.value("lakestream_source_lag_seconds", "split", topic + ":" + partition))
            .isZero();
      }
      // the watermark: the smallest over the partitions of the newest event time in each
      long[] newest = new long[PARTITIONS];
      for (long id = 0; id < EVENTS; id++) {
        int partition = partitionOf(id);
        newest[partition] = Math.max(newest[partition], eventTimeMillis(id));
      }
      long watermark = Math.min(newest[0], newest[1]);
      long newestOfAll = Math.max(newest[0], newest[1]);
      assertThat(s.value("lakestream_watermark_seconds", "pipeline", pipeline))
          .isCloseTo(watermark / 1000.0, within(1e-3));
      double freshness = s.value("lakestream_table_freshness_seconds", "table", TestPipeline.TABLE);
      assertThat(freshness)
          .isBetween(
              (System.currentTimeMillis() - newestOfAll) / 1000.0 - 60,
              (System.currentTimeMillis() - newestOfAll) / 1000.0);
      assertThat(s.value("lakestream_checkpoint_duration_seconds_count", "pipeline", pipeline))
          .isPositive();
      assertThat(s.value("lakestream_checkpoint_failures_total", "pipeline", pipeline)).isZero();
      assertThat(s.value("lakestream_state_bytes", "pipeline", pipeline)).isPositive();
      // one key per distinct event id, plus a few: the expiry index and a watermark per task, and
      // RocksDB's estimate counting a rewritten watermark more than once
      assertThat(s.value("lakestream_state_keys", "pipeline", pipeline))
          .isBetween((double) EVENTS, EVENTS + 200.0);
      assertThat(s.value("lakestream_exchange_queue_fill_ratio", "exchange", "0"))
          .isBetween(0.0, 1.0);
      assertThat(s.value("lakestream_pipeline_ready", "pipeline", pipeline)).isEqualTo(1);
      assertThat(s.find("jvm_memory_used_bytes")).isNotEmpty();
      assertThat(Scrape.get(port, "/health")).isEqualTo(new Scrape.Answer(200, "live\n"));
      assertThat(Scrape.get(port, "/ready")).isEqualTo(new Scrape.Answer(200, "ready: running\n"));

      // the catalog is locked: nothing more commits, so the lag is exactly the new events
      try (Connection other = DriverManager.getConnection(p.catalogUri());
          Statement sql = other.createStatement()) {
        sql.execute("BEGIN EXCLUSIVE");
        long producingFrom = System.currentTimeMillis();
        TestEvents.produce(servers, topic, EVENTS, MORE, 0);
        long producedBy = System.currentTimeMillis();
        long[] more = new long[PARTITIONS];
        for (long id = EVENTS; id < EVENTS + MORE; id++) {
          more[partitionOf(id)]++;
        }
        await()
            .atMost(Duration.ofSeconds(30))
            .failFast("the pipeline exited", () -> !run.isAlive())
            .until(() -> Scrape.get(port, "/ready").status() == 503);
        Scrape.Answer notReady = Scrape.get(port, "/ready");
        assertThat(notReady.body())
            .startsWith("not ready: the last checkpoint completed ")
            .contains("ago, more than metrics.ready-intervals (4) x checkpoint.interval (500ms)")
            // the commit waits on the lock, then fails and is retried
            .containsPattern("; now (committing|retrying to commit) checkpoint \\d+");
        long scrapeFrom = System.currentTimeMillis();
        Scrape locked = Scrape.of(port);
        long scrapedBy = System.currentTimeMillis();
        for (int partition = 0; partition < PARTITIONS; partition++) {
          assertThat(
                  locked.value("lakestream_source_lag_records", "split", topic + ":" + partition))
              .isEqualTo(more[partition]);
          // the first uncommitted record of each partition is one of the new events, stamped by
          // the producer while it sent them
          assertThat(
                  locked.value("lakestream_source_lag_seconds", "split", topic + ":" + partition))
              .isBetween((scrapeFrom - producedBy) / 1000.0, (scrapedBy - producingFrom) / 1000.0);
        }
        assertThat(locked.value("lakestream_pipeline_ready", "pipeline", pipeline)).isZero();
        // the attempt waiting on the lock fails in the end, and is counted
        awaitScrape(
            run,
            port,
            x ->
                x.value("lakestream_table_commit_failures_total", "table", TestPipeline.TABLE) > 0);
        sql.execute("ROLLBACK");
      }

      // the catalog answers again: everything commits, the lag goes back to 0 (the positions move
      // once every table has the checkpoint) and the pipeline is ready
      Scrape after =
          awaitScrape(
              run,
              port,
              x ->
                  committed(x, pipeline, TestPipeline.TABLE) == EVENTS + MORE
                      && x.find("lakestream_source_lag_records").stream()
                          .allMatch(lag -> lag.value() == 0));
      assertThat(after.value("lakestream_records_in_total", "pipeline", pipeline))
          .isEqualTo(EVENTS + bad + DUPLICATES + MORE);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> Scrape.get(port, "/ready").status() == 200);

      run.terminate();
      assertThat(run.waitFor(Duration.ofMinutes(1))).as(run.tail()).isZero();
    }
  }

  /** The rows this run committed to {@code table}. */
  private static double committed(Scrape s, String pipeline, String table) {
    List<Scrape.Sample> found =
        s.find("lakestream_table_committed_records_total", "pipeline", pipeline, "table", table);
    return found.isEmpty() ? 0 : found.get(0).value();
  }

  private interface Check {
    boolean holds(Scrape s);
  }

  /** Scrapes until {@code check} holds; fails at once if the pipeline exits. */
  private static Scrape awaitScrape(PipelineProcess run, int port, Check check) {
    Map<String, Scrape> last = new HashMap<>();
    try {
      await()
          .atMost(Duration.ofMinutes(1))
          .pollInterval(Duration.ofMillis(200))
          .ignoreExceptions()
          .failFast("the pipeline process exited:\n" + run.tail(), () -> !run.isAlive())
          .until(
              () -> {
                Scrape s = Scrape.of(port);
                last.put("", s);
                return check.holds(s);
              });
    } catch (ConditionTimeoutException e) {
      Scrape s = last.get("");
      throw new AssertionError(
          "No scrape in time had what the test waits for; the last one: "
              + (s == null
                  ? "none"
                  : s.find("lakestream_table_committed_records_total")
                      + " "
                      + s.find("lakestream_source_lag_records"))
              + "\n"
              + run.tail(),
          e);
    }
    return last.get("");
  }

  /** The partition Kafka's default partitioner gives an event's key ({@link TestEvents}). */
  private static int partitionOf(long id) {
    byte[] key = Long.toString(id % 1000).getBytes(StandardCharsets.UTF_8);
    return Utils.toPositive(Utils.murmur2(key)) % PARTITIONS;
  }

  private static long eventTimeMillis(long id) {
    return 1_764_000_000_000L + id; // as TestEvents.json writes it
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
