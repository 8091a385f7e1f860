package io.lakestream.hudi;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.core.sink.SinkFactories;
import io.lakestream.core.spec.Problems;
import io.lakestream.core.spec.SpecProblem;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HudiSinkValidationTest {

  private static List<String> problems(Map<String, Object> section) {
    Problems problems = new Problems();
    new HudiSinkFactory().validate(section, "sink.hudi", problems);
    return problems.list().stream().map(SpecProblem::toString).toList();
  }

  @Test
  void refusesCompactionOptionsForACopyOnWriteTable() {
    assertThat(
            problems(
                Map.of("path", "t", "table", "t", "type", "copy-on-write", "compaction", "inline")))
        .containsExactly("sink.hudi.compaction: is only allowed with type: merge-on-read");
  }

  @Test
  void acceptsS3PathsAndRefusesSchemesItHasNoFileSystemFor() {
    assertThat(problems(Map.of("path", "s3://lake/hudi/orders", "table", "orders"))).isEmpty();
    assertThat(problems(Map.of("path", "s3a://lake/hudi/orders", "table", "orders"))).isEmpty();
    assertThat(problems(Map.of("path", "gs://lake/hudi/orders", "table", "orders")))
        .containsExactly(
            "sink.hudi.path: no Hadoop file system for gs:// paths is on the class path: use a"
                + " local or mounted path, or s3:// (given gs://lake/hudi/orders)");
    assertThat(problems(Map.of("path", "file:///tmp/hudi/orders", "table", "orders"))).isEmpty();
  }

  @Test
  void acceptsTheS3KeysOfAnIcebergWarehouseAndS3aKeys() {
    Map<String, Object> storage =
        Map.of(
            "s3.endpoint", "http://127.0.0.1:9000",
            "s3.path-style-access", true,
            "client.region", "us-east-1",
            "s3.access-key-id", "key",
            "s3.secret-access-key", "secret",
            "fs.s3a.connection.maximum", 8);
    assertThat(problems(Map.of("path", "s3://lake/o", "table", "o", "storage", storage))).isEmpty();
  }

  @Test
  void refusesAnUnknownStorageKeyAndANestedValue() {
    assertThat(
            problems(
                Map.of(
                    "path",
                    "s3://lake/o",
                    "table",
                    "o",
                    "storage",
                    Map.of("s3.endpiont", "http://x", "client.region", List.of("a")))))
        .containsExactlyInAnyOrder(
            "sink.hudi.storage.s3.endpiont: unknown storage key (known: client.region,"
                + " s3.access-key-id, s3.endpoint, s3.path-style-access, s3.secret-access-key,"
                + " s3.session-token, or any fs.s3a.* key of Hadoop's S3A)",
            "sink.hudi.storage.client.region: must be a single value (given [a])");
  }

  @Test
  void isFoundByItsType() {
    assertThat(SinkFactories.find("hudi")).containsInstanceOf(HudiSinkFactory.class);
  }

  @Test
  void acceptsTheIssuesExample() {
    Map<String, Object> section = new LinkedHashMap<>();
    section.put("path", "warehouse/hudi/orders");
    section.put("table", "orders");
    section.put("type", "merge-on-read");
    section.put("operation", "upsert");
    section.put("record-key", List.of("order_id"));
    section.put("ordering-field", "updated_at");
    section.put("partition-by", List.of("order_date"));
    section.put("properties", Map.of());

    assertThat(problems(section)).isEmpty();
  }

  @Test
  void listsEveryProblemWithItsPath() {
    Map<String, Object> section = new LinkedHashMap<>();
    section.put("table", "orders");
    section.put("type", "copy-on-read");
    section.put("operation", "upsert");
    section.put("partition-by", List.of("day", "day"));
    section.put("properties", Map.of("hoodie.embed.timeline.server", "true"));
    section.put("table-version", 6);
    section.put("compact-every", 0);
    section.put("colour", "blue");

    assertThat(problems(section))
        .containsExactlyInAnyOrder(
            "sink.hudi.colour: unknown option (known: path, table, type, operation, record-key,"
                + " ordering-field, partition-by, properties, table-version, compaction,"
                + " compact-every, storage, sync)",
            "sink.hudi.path: is required: the table's base path, e.g. warehouse/hudi/orders",
            "sink.hudi.type: unknown value \"copy-on-read\" (supported: copy-on-write,"
                + " merge-on-read)",
            "sink.hudi.record-key: is required with operation: upsert: list the key columns,"
                + " e.g. [order_id]",
            "sink.hudi.partition-by[1]: duplicates partition-by[0]",
            "sink.hudi.properties.hoodie.embed.timeline.server: is set by lakestream for"
                + " exactly-once commits and cannot be overridden",
            "sink.hudi.table-version: must be 8 (read by Trino 476) or 9 (given 6)",
            "sink.hudi.compact-every: must be a positive number of delta commits (given 0)");
  }
}
