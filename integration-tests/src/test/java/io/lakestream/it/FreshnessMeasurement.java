package io.lakestream.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.cli.embedded.EmbeddedKafkaBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
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
 * Measures freshness (issue 16): the time from producing a record to seeing it in the table, with
 * {@code checkpoint.interval: 5s} and a steady rate of records, both through Iceberg's reader and
 * through a query in Trino. Not a test of the default run (its name does not match the suite's
 * patterns, and it takes minutes); run it alone, under the build lock:
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
 * seen. A second reader asks the shared Trino server (its catalog made by {@code lakestream
 * trino-catalog}) for the event ids from the oldest it has not seen yet on, one query after the
 * other with 100 ms between them, and notes for each new id when the query that returned it ended:
 * what a user polling Trino would see, the query's own time included. Freshness of a record = seen
 * - produced. It prints p50 / p90 / p99 / max for each reader and writes them to {@code
 * target/freshness.txt}.
 */
@ExtendWith({KafkaBroker.class, SharedTrino.class})
class FreshnessMeasurement {
  private static final int WARMUP = 100;
  private static final long POLL_MILLIS = 100;
  private static final int WARMUP_QUERIES = 50;

  @TempDir Path dir;

  @Test
  void producedToVisible(EmbeddedKafkaBroker broker, TrinoServer trino) throws Exception {
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
    long[] seenInTrino = new long[WARMUP + measured];

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

      trino.createCatalogFor(spec, "freshness", dir);
      try (JdbcCatalog catalog = LakeTables.catalog(p.warehouse(), p.catalog());
          Connection connection = trino.connect()) {
        Table table = catalog.loadTable(TableIdentifier.parse(TestPipeline.TABLE));
        Reader reader = new Reader(table, seen);
        TrinoReader trinoReader =
            new TrinoReader(
                connection.prepareStatement(
                    "SELECT event_id FROM freshness."
                        + TestPipeline.TABLE
                        + " WHERE event_id >= ?"),
                seenInTrino);
        warmUp(connection);
        for (Thread t : List.of(reader, trinoReader)) {
          t.setDaemon(true);
          t.start();
        }
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
        while ((missing(seen, WARMUP) > 0 || missing(seenInTrino, WARMUP) > 0)
            && System.currentTimeMillis() < deadline) {
          Thread.sleep(POLL_MILLIS);
        }
        for (Thread t : List.of(reader, trinoReader)) {
          t.interrupt();
          t.join();
        }
        assertThat(reader.failure).isNull();
        assertThat(trinoReader.failure).isNull();
        assertThat(missing(seen, WARMUP)).as("records never seen").isZero();
        assertThat(missing(seenInTrino, WARMUP)).as("records never seen in Trino").isZero();
        assertThat(reader.duplicates).as("records seen twice").isZero();

        String result =
            String.format(
                "freshness: %d records at %d/s over %.0f s, checkpoint.interval %s, %d"
                    + " snapshots%n  produce to visible through Iceberg's reader: %s%n  produce"
                    + " to visible in Trino: %s (%d queries, median %.2f s, slowest %.2f s)%n",
                measured,
                rate,
                sendSeconds,
                interval,
                reader.snapshots,
                quantiles(produced, seen) + byMinute(produced, seen, rate),
                quantiles(produced, seenInTrino) + byMinute(produced, seenInTrino, rate),
                trinoReader.queries.size(),
                median(trinoReader.queries) / 1000.0,
                Collections.max(trinoReader.queries) / 1000.0);
        System.out.print(result);
        Files.writeString(Path.of("target", "freshness.txt"), result, StandardCharsets.UTF_8);
      }
      run.terminate();
      assertThat(run.waitFor(Duration.ofMinutes(1))).as(run.tail()).isZero();
    }
  }

  /**
   * A Trino that users query has long run its first queries; this one was just started, and its
   * first queries of a table take seconds (planning code not yet compiled), which would count
   * against the pipeline.
   */
  private static void warmUp(Connection connection) throws SQLException {
    try (Statement s = connection.createStatement()) {
      for (int i = 0; i < WARMUP_QUERIES; i++) {
        try (ResultSet rows =
            s.executeQuery(
                "SELECT event_id FROM freshness."
                    + TestPipeline.TABLE
                    + " WHERE event_id >= "
                    + i)) {
          while (rows.next()) {
            // read to the end, as the measured queries do
          }
        }
      }
    }
  }

  /** p50 / p90 / p99 / max / min of seen - produced over the measured records. */
  private static String quantiles(long[] produced, long[] seen) {
    long[] latency = new long[produced.length - WARMUP];
    for (int i = 0; i < latency.length; i++) {
      latency[i] = seen[WARMUP + i] - produced[WARMUP + i];
    }
    Arrays.sort(latency);
    return String.format(
        "p50 %.2f s, p90 %.2f s, p99 %.2f s, max %.2f s, min %.2f s",
        quantile(latency, 0.50) / 1000.0,
        quantile(latency, 0.90) / 1000.0,
        quantile(latency, 0.99) / 1000.0,
        latency[latency.length - 1] / 1000.0,
        latency[0] / 1000.0);
  }

  /** {@code "; p99 by minute 5.1, 5.3, ..."}: where in the run the slowest records were. */
  private static String byMinute(long[] produced, long[] seen, int rate) {
    StringBuilder b = new StringBuilder("; p99 by minute");
    int perMinute = 60 * rate;
    for (int from = WARMUP; from < produced.length; from += perMinute) {
      int to = Math.min(produced.length, from + perMinute);
      long[] latency = new long[to - from];
      for (int i = from; i < to; i++) {
        latency[i - from] = seen[i] - produced[i];
      }
      Arrays.sort(latency);
      b.append(String.format(" %.2f", quantile(latency, 0.99) / 1000.0));
    }
    return b.append(" s").toString();
  }

  private static long median(List<Long> values) {
    long[] sorted = values.stream().mapToLong(Long::longValue).sorted().toArray();
    return sorted.length == 0 ? 0 : quantile(sorted, 0.5);
  }

  /** How many records from {@code from} on have not been seen yet. */
  private static int missing(long[] seen, int from) {
    int n = 0;
    for (int i = from; i < seen.length; i++) {
      if (seen[i] == 0) {
        n++;
      }
    }
    return n;
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
  }

  /**
   * Asks Trino, one query after the other, for the event ids from the oldest it has not seen on,
   * and notes for each new one when the query that returned it ended.
   */
  private static final class TrinoReader extends Thread {
    private final PreparedStatement query;
    private final long[] seen;
    private int oldestUnseen = WARMUP;
    final List<Long> queries = new ArrayList<>();
    volatile Throwable failure;
    private volatile boolean stopping;

    TrinoReader(PreparedStatement query, long[] seen) {
      super("freshness-trino-reader");
      this.query = query;
      this.seen = seen;
    }

    @Override
    public void run() {
      try {
        while (!isInterrupted()) {
          long started = System.currentTimeMillis();
          List<Long> ids = new ArrayList<>();
          query.setLong(1, oldestUnseen);
          try (ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
              ids.add(rows.getLong(1));
            }
          }
          long now = System.currentTimeMillis();
          queries.add(now - started);
          for (long id : ids) {
            if (id < seen.length && seen[(int) id] == 0) {
              seen[(int) id] = now;
            }
          }
          while (oldestUnseen < seen.length && seen[oldestUnseen] != 0) {
            oldestUnseen++;
          }
          Thread.sleep(POLL_MILLIS);
        }
      } catch (InterruptedException e) {
        // measured
      } catch (SQLException | RuntimeException | Error e) {
        if (!stopping) { // an interrupt may end a query with an exception of its own
          failure = e;
        }
      }
    }

    @Override
    public void interrupt() {
      stopping = true;
      super.interrupt();
    }
  }
}
