package io.lakestream.iceberg;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.core.sink.SinkFactory;
import io.lakestream.core.spec.Problems;
import io.lakestream.core.spec.SpecProblem;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class IcebergSinkValidationTest {
  private final IcebergSinkFactory factory = new IcebergSinkFactory();

  private List<String> problems(Map<String, Object> config) {
    Problems problems = new Problems();
    factory.validate(config, "sink.iceberg", problems);
    return problems.list().stream().map(SpecProblem::toString).toList();
  }

  private static Map<String, Object> config(Object... keysAndValues) {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("table", "analytics.orders");
    for (int i = 0; i < keysAndValues.length; i += 2) {
      config.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return config;
  }

  @Test
  void isFoundByServiceLoaderAsIceberg() {
    assertThat(ServiceLoader.load(SinkFactory.class).stream().map(p -> p.get().type()))
        .contains("iceberg");
  }

  @Test
  void acceptsAFullSection() {
    assertThat(
            problems(
                config(
                    "catalog",
                        Map.of(
                            "type",
                            "jdbc",
                            "uri",
                            "jdbc:sqlite:warehouse/catalog.db",
                            "warehouse",
                            "warehouse"),
                    "partition-by",
                        List.of(
                            "day(event_time)",
                            "bucket(16, user_id)",
                            "region",
                            "identity(country)",
                            "truncate(4, name)",
                            "hour(ts)",
                            "month(ts)",
                            "year(d)"),
                    "target-file-size", "64MB",
                    "properties", Map.of("write.parquet.compression-codec", "zstd"),
                    "mode", "append")))
        .isEmpty();
  }

  @Test
  void reportsAnUnknownTransformWithItsPosition() {
    assertThat(problems(config("partition-by", List.of("day(event_time)", "hour2(event_time)"))))
        .containsExactly(
            "sink.iceberg.partition-by[1]: unknown transform \"hour2\" (known: identity, year, month,"
                + " day, hour, bucket, truncate)");
  }

  @Test
  void reportsMalformedTransforms() {
    assertThat(
            problems(
                config(
                    "partition-by",
                    List.of(
                        "bucket(user_id)",
                        "bucket(0, user_id)",
                        "truncate(x, name)",
                        "day(a, b)",
                        "day(event_time",
                        "day(event_time)",
                        7))))
        .containsExactly(
            "sink.iceberg.partition-by[0]: \"bucket(user_id)\": bucket takes a bucket count and a"
                + " column, e.g. bucket(16, user_id)",
            "sink.iceberg.partition-by[1]: \"bucket(0, user_id)\": a bucket count must be a positive"
                + " integer (given 0)",
            "sink.iceberg.partition-by[2]: \"truncate(x, name)\": a width must be a positive integer"
                + " (given x)",
            "sink.iceberg.partition-by[3]: \"day(a, b)\": day takes one column, e.g. day(event_time)",
            "sink.iceberg.partition-by[4]: cannot parse \"day(event_time\" as a partition transform;"
                + " use a column name or transform(column), e.g. day(event_time)",
            "sink.iceberg.partition-by[6]: must be a transform such as day(event_time) (given 7)");
  }

  @Test
  void reportsEveryProblemOfTheSectionAtOnce() {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("tabel", "analytics.orders");
    config.put("partition-by", "day(event_time)");
    config.put("target-file-size", "12XB");
    config.put("properties", Map.of("format-version", 3));
    config.put("mode", "upsert");
    config.put("catalog", Map.of("type", "mysql"));

    assertThat(problems(config))
        .containsExactly(
            "sink.iceberg.tabel: unknown option (known: catalog, table, partition-by,"
                + " target-file-size, properties, mode, key, delete-mode,"
                + " key-index-max-keys)",
            "sink.iceberg.catalog.type: unknown catalog type \"mysql\" (known: jdbc, rest, hive,"
                + " nessie, glue, hadoop)",
            "sink.iceberg.partition-by: must be a list of transforms, e.g. [\"day(event_time)\"]"
                + " (given day(event_time))",
            "sink.iceberg.target-file-size: cannot parse \"12XB\" as a size (write it like"
                + " 1048576, 64KB, 128MB or 1GB)",
            "sink.iceberg.properties.format-version: must be 2: lakestream writes Iceberg"
                + " format-version 2 tables, the newest that Trino 476 reads fully (given 3)",
            "sink.iceberg.key: is required in upsert mode: list the key columns, e.g. [user_id]");
  }

  @Test
  void requiresATableWithANamespace() {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("table", "orders");
    assertThat(problems(config))
        .containsExactly(
            "sink.iceberg.table: must be namespace.name, e.g. analytics.orders (given \"orders\")");
  }

  @Test
  void rejectsUnknownModesAndDuplicatePartitionFields() {
    assertThat(problems(config("mode", "merge", "partition-by", List.of("day(ts)", "DAY(ts)"))))
        .containsExactly(
            "sink.iceberg.partition-by[1]: duplicates partition-by[0]",
            "sink.iceberg.mode: unknown mode \"merge\" (supported: append, upsert)");
  }

  @Test
  void acceptsAnUpsertSectionWithAKey() {
    Map<String, Object> config =
        config(
            "mode",
            "upsert",
            "key",
            List.of("user_id", "region"),
            "partition-by",
            List.of("bucket(8, user_id)"));

    assertThat(problems(config)).isEmpty();
    assertThat(SinkConfig.parse(config, "s", new Problems()).key())
        .containsExactly("user_id", "region");
  }

  @Test
  void requiresAKeyInUpsertModeAndRefusesOneInAppendMode() {
    assertThat(problems(config("mode", "upsert")))
        .containsExactly(
            "sink.iceberg.key: is required in upsert mode: list the key columns, e.g. [user_id]");
    assertThat(problems(config("key", List.of("user_id"))))
        .containsExactly(
            "sink.iceberg.key: is only allowed with mode: upsert (the mode is append)");
    assertThat(problems(config("mode", "append", "key", List.of("user_id"))))
        .containsExactly(
            "sink.iceberg.key: is only allowed with mode: upsert (the mode is append)");
  }

  @Test
  void reportsMalformedKeys() {
    assertThat(problems(config("mode", "upsert", "key", "user_id")))
        .containsExactly(
            "sink.iceberg.key: must be a non-empty list of column names, e.g. [user_id] (given"
                + " user_id)");
    assertThat(problems(config("mode", "upsert", "key", List.of())))
        .containsExactly(
            "sink.iceberg.key: must be a non-empty list of column names, e.g. [user_id] (given [])");
    assertThat(problems(config("mode", "upsert", "key", List.of("user_id", "a.b", 7, "user_id"))))
        .containsExactly(
            "sink.iceberg.key[1]: must be a top-level column name (given a.b)",
            "sink.iceberg.key[2]: must be a top-level column name (given 7)",
            "sink.iceberg.key[3]: duplicates key[0]");
  }

  @Test
  void readsTargetFileSizesInPowersOf1024() {
    Problems problems = new Problems();
    assertThat(SinkConfig.parse(config("target-file-size", "64KB"), "s", problems).targetFileSize())
        .isEqualTo(64L * 1024);
    assertThat(SinkConfig.parse(config("target-file-size", "1GB"), "s", problems).targetFileSize())
        .isEqualTo(1L << 30);
    assertThat(SinkConfig.parse(config("target-file-size", 4096), "s", problems).targetFileSize())
        .isEqualTo(4096);
    assertThat(SinkConfig.parse(config(), "s", problems).targetFileSize()).isEqualTo(128L << 20);
    assertThat(problems.list()).isEmpty();
    assertThat(problems(config("target-file-size", "0MB")))
        .containsExactly("sink.iceberg.target-file-size: must be positive (given 0MB)");
  }

  @Test
  void leavesAMissingTableToTheSpecParser() {
    assertThat(problems(new LinkedHashMap<>())).isEmpty();
  }
}
