package io.lakestream.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.cli.embedded.EmbeddedKafkaBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Measures freshness (issue 16): the time from producing a record to seeing it in the table through
 * Iceberg's reader, with {@code checkpoint.interval: 5s} and a steady rate of records. Not a test
 * of the default run (its name does not match the suite's patterns, and it takes minutes); run it
 * alone, under the build lock:
 *
 * <pre>
 * flock /tmp/lakestream-build.lock mvn -B -o -pl integration-tests -am verify \
 *   -Dtest=FreshnessMeasurement -Dsurefire.failIfNoSpecifiedTests=false \
 *   [-Dfreshness.minutes=5] [-Dfreshness.rate=1000] [-Dfreshness.interval=5s]
 * </pre>
 *
 * <p>The pipeline runs as {@code lakestream run} in a child JVM against the test broker (4
 * partitions) and an Iceberg table in a SQLite catalog. A producer sends {@code rate} records a
 * second in 10 ms steps and notes when it handed each to {@code send()}. A reader refreshes the
 * table every 100 ms; for each new snapshot it reads the rows the snapshot appended (Iceberg's
 * generic reader, {@code appendsBetween}) and notes for each event id when the snapshot was first
 * seen. Freshness of a record = seen - produced. It prints p50 / p90 / p99 / max and writes them to
 * {@code target/freshness.txt}.
 */
@ExtendWith(KafkaBroker.class)
class FreshnessMeasurement {
  private static final int WARMUP = 100;
  private static final long POLL_MILLIS = 100;

  @TempDir Path dir;

  @Test
  void producedToVisible(EmbeddedKafkaBroker broker) throws Exception {
    double minutes = Double.parseDouble(System.getProperty("freshness.minutes", "5"));
    int rate = Integer.getInteger("freshness.rate", 1000);
    String interval = System.getProperty("freshness.interval", "5s");
    int measured = (int) (minutes * 60 * rate);

    String topic = "freshness";
    broker.createTopic(topic, 4);
    String servers = broker.bootstrapServers();
    TestPipeline p = TestPipeline.of(dir, servers, topic).withCheckpointInterval(interval);
    Path spec = p.writeSpec();
    long[] produced = new long[WARMUP + measured];
    long[] seen = new long[WARMUP + measured];

    try (KafkaProducer<byte[], byte[]> producer = producer(servers);
        PipelineProcess run =
            PipelineProcess.start(
                dir.resolve("logs"),
                List.of(),
                "run",
                spec.toString(),
                "--status-interval",
                "30s")) {
      for (int id = 0; id < WARMUP; id++) {
        send(producer, topic, id);
      }
      producer.flush();
      run.awaitCommitted(p, WARMUP); // the table exists and the pipeline runs

      try (JdbcCatalog catalog = LakeTables.catalog(p.warehouse(), p.catalog())) {
        Table table = catalog.loadTable(TableIdentifier.parse(TestPipeline.TABLE));
        Reader reader = new Reader(table, seen);
        reader.setDaemon(true);
        reader.start();
        long start = System.nanoTime();
        for (int i = 0; i < measured; i++) {
          // steady: record i is due at start + i / rate, sent in 10 ms steps
          long due = start + TimeUnit.SECONDS.toNanos(i) / rate;
          long wait = due - System.nanoTime();
          if (wait > TimeUnit.MILLISECONDS.toNanos(10)) {
            producer.flush();
            TimeUnit.NANOSECONDS.sleep(wait);
          }
          int id = WARMUP + i;
          produced[id] = System.currentTimeMillis();
          send(producer, topic, id);
        }
        producer.flush();
        double sendSeconds = (System.nanoTime() - start) / 1e9;
        long deadline = System.currentTimeMillis() + Duration.ofMinutes(2).toMillis();
        while (reader.missing(WARMUP) > 0 && System.currentTimeMillis() < deadline) {
          Thread.sleep(POLL_MILLIS);
        }
        reader.interrupt();
        reader.join();
        assertThat(reader.failure).isNull();
        assertThat(reader.missing(WARMUP)).as("records never seen").isZero();
        assertThat(reader.duplicates).as("records seen twice").isZero();

        long[] latency = new long[measured];
        for (int i = 0; i < measured; i++) {
          latency[i] = seen[WARMUP + i] - produced[WARMUP + i];
        }
        Arrays.sort(latency);
        String result =
            String.format(
                "freshness, produce to visible through Iceberg's reader: %d records at %d/s over"
                    + " %.0f s, checkpoint.interval %s, %d snapshots: p50 %.2f s, p90 %.2f s, p99"
                    + " %.2f s, max %.2f s, min %.2f s%n",
                measured,
                rate,
                sendSeconds,
                interval,
                reader.snapshots,
                quantile(latency, 0.50) / 1000.0,
                quantile(latency, 0.90) / 1000.0,
                quantile(latency, 0.99) / 1000.0,
                latency[measured - 1] / 1000.0,
                latency[0] / 1000.0);
        System.out.print(result);
        Files.writeString(Path.of("target", "freshness.txt"), result, StandardCharsets.UTF_8);
      }
      run.terminate();
      assertThat(run.waitFor(Duration.ofMinutes(1))).as(run.tail()).isZero();
    }
  }

  private static long quantile(long[] sorted, double q) {
    return sorted[(int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  }

  private static void send(KafkaProducer<byte[], byte[]> producer, String topic, long id) {
    byte[] key = Long.toString(id % 1000).getBytes(StandardCharsets.UTF_8);
    producer.send(
        new ProducerRecord<>(topic, key, TestEvents.json(id).getBytes(StandardCharsets.UTF_8)),
        (metadata, e) -> {
          if (e != null) {
            throw new IllegalStateException("Could not produce event " + id, e);
          }
        });
  }

  private static KafkaProducer<byte[], byte[]> producer(String servers) {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            servers,
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.LINGER_MS_CONFIG,
            5,
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
            true),
        new ByteArraySerializer(),
        new ByteArraySerializer());
  }

  /** Notes, for every event id a new snapshot appends, when that snapshot was first seen. */
  private static final class Reader extends Thread {
    private final Table table;
    private final long[] seen;
    private Long last;
    volatile int snapshots;
    volatile long duplicates;
    volatile Throwable failure;

    Reader(Table table, long[] seen) {
      super("freshness-reader");
      this.table = table;
      this.seen = seen;
      this.last = table.currentSnapshot().snapshotId(); // the warm-up's
    }

    @Override
    public void run() {
      try {
        while (!isInterrupted()) {
          table.refresh();
          long now = System.currentTimeMillis();
          Snapshot current = table.currentSnapshot();
          if (current.snapshotId() != last) {
            List<Long> ids = new ArrayList<>();
            try (CloseableIterable<Record> rows =
                IcebergGenerics.read(table)
                    .select("event_id")
                    .appendsBetween(last, current.snapshotId())
                    .build()) {
              rows.forEach(r -> ids.add((Long) r.getField("event_id")));
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
            for (long id : ids) {
              if (seen[(int) id] != 0) {
                duplicates++;
              }
              seen[(int) id] = now;
            }
            for (Snapshot s = current;
                s != null && s.snapshotId() != last;
                s = s.parentId() == null ? null : table.snapshot(s.parentId())) {
              snapshots++;
            }
            last = current.snapshotId();
          }
          Thread.sleep(POLL_MILLIS);
        }
      } catch (InterruptedException e) {
        // measured
      } catch (RuntimeException | Error e) {
        failure = e;
      }
    }

    /** How many records from {@code from} on have not been seen yet. */
    int missing(int from) {
      int n = 0;
      for (int i = from; i < seen.length; i++) {
        if (seen[i] == 0) {
          n++;
        }
      }
      return n;
    }
  }
}
