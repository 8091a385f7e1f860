package io.lakestream.hudi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestream.core.record.Row;
import io.lakestream.core.sink.Sink;
import io.lakestream.core.sink.SinkCommitter;
import io.lakestream.core.sink.SinkContext;
import io.lakestream.core.sink.SinkWriter;
import io.lakestream.core.spec.WriterId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sink's {@code sync: {type: trino-file-metastore}} against a real partitioned Hudi table: the
 * metastore files Trino's file metastore reads, written after commits, and repaired after a
 * restart. (That Trino reads them is {@code TrinoHudiTest} in the integration tests.)
 */
class TrinoFileMetastoreSyncTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private Sink open() {
    Map<String, Object> config = new HashMap<>();
    config.put("path", dir.resolve("orders").toString());
    config.put("table", "shop.orders");
    config.put("operation", "insert");
    config.put("record-key", List.of("order_id")); // one key column, partitioned: complex keygen
    config.put("partition-by", List.of("region"));
    config.put("sync", Map.of("type", "trino-file-metastore", "dir", metastore().toString()));
    return new HudiSinkFactory()
        .open(
            new SinkContext(
                WriterId.of("p1"),
                config,
                "shop.orders",
                HudiCommitterTest.ORDERS,
                SinkContext.Role.OUTPUT));
  }

  private Path metastore() {
    return dir.resolve("metastore");
  }

  private static void commit(Sink sink, long checkpoint, List<Row> rows) {
    SinkWriter writer = sink.createWriter(0);
    for (Row r : rows) {
      writer.write(r);
    }
    SinkCommitter.CommitResult result =
        sink.committer().commit(checkpoint, Map.of(), writer.prepareCommit(checkpoint));
    assertThat(result.committed()).isTrue();
    writer.close();
  }

  private JsonNode read(String relative) throws Exception {
    return JSON.readTree(metastore().resolve(relative).toFile());
  }

  private List<String> partitionsRegistered() throws Exception {
    try (Stream<Path> files = Files.list(metastore().resolve("shop/orders"))) {
      return files
          .filter(f -> Files.exists(f.resolve(".trinoSchema")))
          .map(f -> f.getFileName().toString())
          .sorted()
          .toList();
    }
  }

  @Test
  void registersTheSchemaTableAndEachPartitionAfterACommit() throws Exception {
    try (Sink sink = open()) {
      sink.committer().fence();
      commit(sink, 1, List.of(new Row(1L, 10L, 1L, "eu"), new Row(2L, 20L, 1L, "us")));

      assertThat(read(".shop.trinoSchema").get("ownerType").asText()).isEqualTo("USER");
      JsonNode table = read("shop/orders/.trinoSchema");
      List<String> columns = new ArrayList<>();
      table.get("dataColumns").forEach(c -> columns.add(c.get("name").asText()));
      assertThat(columns)
          .containsExactly(
              "_hoodie_commit_time",
              "_hoodie_commit_seqno",
              "_hoodie_record_key",
              "_hoodie_partition_path",
              "_hoodie_file_name",
              "order_id",
              "amount",
              "updated_at");
      assertThat(table.get("dataColumns").get(5).get("type").asText()).isEqualTo("bigint");
      assertThat(table.get("partitionColumns").get(0).get("name").asText()).isEqualTo("region");
      assertThat(table.get("originalStorageFormat").get("inputFormat").asText())
          .isEqualTo("org.apache.hudi.hadoop.HoodieParquetInputFormat");
      String base = "local://" + dir.resolve("orders").toAbsolutePath();
      assertThat(table.get("externalLocation").asText()).isEqualTo(base);
      assertThat(partitionsRegistered()).containsExactly("region=eu", "region=us");
      assertThat(read("shop/orders/region=eu/.trinoSchema").get("externalLocation").asText())
          .isEqualTo(base + "/region=eu");
      // Trino 476 cannot list an empty local timeline/history directory
      Path history = dir.resolve("orders/.hoodie/timeline/history");
      assertThat(!Files.isDirectory(history) || Files.list(history).findAny().isPresent())
          .as("no empty %s", history)
          .isTrue();

      commit(sink, 2, List.of(new Row(3L, 30L, 2L, "apac")));
      assertThat(partitionsRegistered()).containsExactly("region=apac", "region=eu", "region=us");
      sink.committer().close();
    }
  }

  @Test
  void aRestartedSinkRegistersPartitionsACrashLeftUnregistered() throws Exception {
    try (Sink sink = open()) {
      sink.committer().fence();
      commit(sink, 1, List.of(new Row(1L, 10L, 1L, "eu"), new Row(2L, 20L, 1L, "us")));
      sink.committer().close();
    }
    // as if the process died between the commit and its registration
    Files.delete(metastore().resolve("shop/orders/region=us/.trinoSchema"));

    try (Sink restarted = open()) {
      restarted.committer().fence();
      commit(restarted, 2, List.of());
      restarted.committer().close();
    }
    assertThat(partitionsRegistered()).containsExactly("region=eu", "region=us");
  }

  @Test
  void escapesPartitionValuesAsHiveNamesThem() {
    assertThat(TrinoFileMetastoreSync.metastoreName("region=a#b/day=2026-01-01"))
        .isEqualTo("region=a%23b/day=2026-01-01");
    assertThat(TrinoFileMetastoreSync.metastoreName("k=x=y%")).isEqualTo("k=x%3Dy%25");
  }
}
