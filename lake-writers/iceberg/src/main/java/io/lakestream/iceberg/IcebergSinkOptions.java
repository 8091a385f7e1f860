package io.lakestream.iceberg;

import io.lakestream.core.spec.SpecOption;
import io.lakestream.core.spec.SpecOptions;
import io.lakestream.core.spec.SpecReference;
import java.util.List;
import java.util.Map;

/**
 * The options of the {@code sink.iceberg} section, declared once: {@link IcebergSinkFactory}
 * validates against them and the documentation's option table is {@link #markdown()}.
 */
public final class IcebergSinkOptions {

  /** How rows reach the table. */
  public enum Mode {
    /** Every row is appended. */
    APPEND,
    /** Every row replaces the row with the same {@link #KEY}; rows can also be deleted by key. */
    UPSERT
  }

  public static final SpecOption<Map<String, Object>> CATALOG =
      SpecOption.key("catalog")
          .<Map<String, Object>>type("map")
          .computedDefault("JDBC on SQLite in `warehouse/`")
          .withDescription(
              "The Iceberg catalog: `type` or `catalog-impl`, `name`, `warehouse` (a relative"
                  + " path is resolved against the working directory), and any other Iceberg"
                  + " catalog property such as `uri`. Shipped and working: `jdbc` on SQLite (the"
                  + " default) and on PostgreSQL, `rest` (Iceberg's REST client) and `hadoop`."
                  + " `hive`, `nessie` and `glue` need jars lakestream does not ship, added to"
                  + " `lib/ext/` ([catalogs.md](../catalogs.md)); without them `validate` and"
                  + " `run` name the jars to add.");

  /** The table, declared with the spec's other sink-independent keys. */
  public static final SpecOption<String> TABLE = SpecOptions.SINK_TABLE;

  public static final SpecOption<List<String>> PARTITION_BY =
      SpecOption.key("partition-by")
          .stringListType()
          .withDescription(
              "Partition transforms used when the table is created, in order: a column name or"
                  + " `identity(col)`, `year(col)`, `month(col)`, `day(col)`, `hour(col)`,"
                  + " `bucket(n, col)`, `truncate(width, col)`. Unpartitioned when absent.");

  public static final SpecOption<Long> TARGET_FILE_SIZE =
      SpecOption.key("target-file-size")
          .byteSizeType()
          .defaultValue(128L << 20)
          .withDescription(
              "A data file is closed and the next one started once it reaches this size. Also"
                  + " set as `write.target-file-size-bytes` when the table is created.");

  public static final SpecOption<Map<String, String>> PROPERTIES =
      SpecOption.key("properties")
          .stringMapType()
          .withDescription(
              "Iceberg table properties set when the table is created, e.g."
                  + " `write.parquet.compression-codec: zstd`. `format-version` may only be 2.");

  public static final SpecOption<Mode> MODE =
      SpecOption.key("mode")
          .enumType(Mode.class)
          .defaultValue(Mode.APPEND)
          .withDescription(
              "How rows reach the table: `append` adds every row; `upsert` makes each row replace"
                  + " the row with the same `key` (see Upsert mode below).");

  public static final SpecOption<List<String>> KEY =
      SpecOption.key("key")
          .stringListType()
          .withDescription(
              "The key columns of an `upsert` table, set as its identifier fields (required"
                  + " there, not allowed for `append`). Top-level columns of a primitive type other"
                  + " than float and double; every `partition-by` column must be one of them.");

  /** How an upsert table deletes the rows a change replaces. */
  public enum DeleteMode {
    /** By position where the writer knows the row, by equality elsewhere. */
    POSITION,
    /** Always by an equality delete of the key. */
    EQUALITY
  }

  public static final SpecOption<DeleteMode> DELETE_MODE =
      SpecOption.key("delete-mode")
          .enumType(DeleteMode.class)
          .defaultValue(DeleteMode.POSITION)
          .withDescription(
              "`upsert` only. `position`: each writer (task) keeps a key index of where the"
                  + " current row of each key lives (loaded from the table when the writer starts,"
                  + " then kept up to date; up to `key-index-max-keys` keys, in memory) and deletes"
                  + " a replaced row by a position delete, which readers apply to one file; keys it"
                  + " does not know are deleted by equality. `equality`: every replaced key is an"
                  + " equality delete, which readers apply to every older data file until"
                  + " compaction (see Upsert mode below).");

  public static final SpecOption<Integer> KEY_INDEX_MAX_KEYS =
      SpecOption.key("key-index-max-keys")
          .intType()
          .defaultValue(1_000_000)
          .withDescription(
              "`upsert` with `delete-mode: position`: the most keys each writer (task) remembers,"
                  + " about 190 bytes of heap each (one long key); changes of other keys are"
                  + " equality deletes.");

  private static final List<SpecOption<?>> ALL =
      List.of(
          CATALOG,
          TABLE,
          PARTITION_BY,
          TARGET_FILE_SIZE,
          PROPERTIES,
          MODE,
          KEY,
          DELETE_MODE,
          KEY_INDEX_MAX_KEYS);

  private IcebergSinkOptions() {}

  /** Every option, in the order the documentation lists them. */
  public static List<SpecOption<?>> all() {
    return ALL;
  }

  /** The option keys, in documentation order. */
  public static List<String> keys() {
    return SpecOption.keys(ALL);
  }

  /** The options as a Markdown table in the form of the spec reference, ending with a newline. */
  public static String markdown() {
    return SpecReference.table(ALL);
  }
}
