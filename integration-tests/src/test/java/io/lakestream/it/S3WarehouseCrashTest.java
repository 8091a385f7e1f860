package io.lakestream.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.cli.embedded.EmbeddedKafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Iceberg tables whose data and metadata live on a real S3-compatible server ({@link S3Server}),
 * written through Iceberg's S3FileIO: a pipeline killed at phase boundaries of the commit protocol
 * and restarted lands every record exactly once, as Iceberg's own reader sees the table on the
 * server.
 */
@ExtendWith({KafkaBroker.class, SharedS3.class})
class S3WarehouseCrashTest {
  private static final int RECORDS = 30_000;
  private static final int PARTITIONS = 2;
  private static final List<String> KILLS = List.of("PERSISTED", "COMMITTED", "PREPARED");

  @TempDir Path dir;

  @Test
  void everyRecordLandsExactlyOnceInAnS3WarehouseAcrossKills(
      EmbeddedKafkaBroker broker, S3Server s3) throws Exception {
    String topic = "s3-warehouse-crash";
    String bucket = "warehouse-crash";
    broker.createTopic(topic, PARTITIONS);
    s3.createBucket(bucket);
    Map<String, String> catalog = new HashMap<>(s3.clientProperties());
    catalog.put("warehouse", "s3://" + bucket + "/lake");
    catalog.put("uri", "jdbc:sqlite:" + dir.resolve("catalog.db"));
    TestPipeline p =
        TestPipeline.of(dir, broker.bootstrapServers(), topic)
            .withPartitionBy("[\"bucket(4, user_id)\"]")
            .withCatalog(catalog);
    Path spec = p.writeSpec();
    int slice = RECORDS / (KILLS.size() + 1);

    for (int run = 0; run <= KILLS.size(); run++) {
      long from = (long) slice * run;
      long count = run == KILLS.size() ? RECORDS - from : slice;
      TestEvents.produce(broker.bootstrapServers(), topic, from, count, 0);
      if (run == KILLS.size()) {
        try (PipelineProcess last =
            PipelineProcess.start(
                dir.resolve("logs"), List.of(), "run", spec.toString(), "--stop-at-end")) {
          assertThat(last.waitFor(Duration.ofMinutes(3))).as(last.tail()).isZero();
        }
        break;
      }
      String kill = KILLS.get(run);
      try (PipelineProcess child =
          PipelineProcess.start(
              dir.resolve("logs"),
              List.of("lakestream.debug.pause-at=" + kill),
              "run",
              spec.toString())) {
        child.awaitOutput("^PAUSED " + kill + " ", Duration.ofMinutes(2));
        child.kill();
      }
    }

    assertThat(LakeTables.eventIds(p)).isEqualTo(LongStream.range(0, RECORDS).boxed().toList());
    List<String> keys = s3.keys(bucket, "lake/it/events/");
    assertThat(keys).anyMatch(k -> k.endsWith(".parquet"));
    assertThat(keys).anyMatch(k -> k.endsWith(".metadata.json"));
    try (Stream<Path> local = Files.walk(dir)) {
      assertThat(local.filter(f -> f.toString().endsWith(".parquet"))).isEmpty();
    }
  }
}
