package io.lakestream.iceberg;

import java.util.List;

/**
 * The options of the {@code sink.iceberg} section, declared once: {@link IcebergSinkFactory}
 * validates against them and the documentation's option table is {@link #markdown()}.
 */
public final class IcebergSinkOptions {

  /**
   * One option.
   *
   * @param key the key under {@code sink.iceberg}
   * @param defaultValue the default as shown to users; {@code (required)} when there is none
   * @param description what it does, in Markdown, one line
   */
  public record Option(String key, String defaultValue, String description) {}

  public static final Option CATALOG =
      new Option(
          "catalog",
          "JDBC on SQLite in `warehouse/`",
          "The Iceberg catalog: `type` (jdbc, rest, hive, nessie, glue, hadoop) or `catalog-impl`,"
              + " `name`, `warehouse` (a relative path is resolved against the working directory),"
              + " and any other Iceberg catalog property such as `uri`.");

  public static final Option TABLE =
      new Option(
          "table",
          "(required)",
          "The table to write, `namespace.name`. Created with its namespace when absent, as an"
              + " Iceberg format-version 2 table.");

  public static final Option PARTITION_BY =
      new Option(
          "partition-by",
          "(none)",
          "Partition transforms used when the table is created, in order: a column name or"
              + " `identity(col)`, `year(col)`, `month(col)`, `day(col)`, `hour(col)`,"
              + " `bucket(n, col)`, `truncate(width, col)`.");

  public static final Option TARGET_FILE_SIZE =
      new Option(
          "target-file-size",
          "128MB",
          "A data file is closed and the next one started once it reaches this size (KB, MB, GB"
              + " are powers of 1024). Also set as `write.target-file-size-bytes` when the table is"
              + " created.");

  public static final Option PROPERTIES =
      new Option(
          "properties",
          "(none)",
          "Iceberg table properties set when the table is created, e.g."
              + " `write.parquet.compression-codec: zstd`. `format-version` may only be 2.");

  public static final Option MODE =
      new Option(
          "mode", "append", "How rows reach the table. Only `append` is supported for now.");

  private static final List<Option> ALL =
      List.of(CATALOG, TABLE, PARTITION_BY, TARGET_FILE_SIZE, PROPERTIES, MODE);

  private IcebergSinkOptions() {}

  /** Every option, in the order the documentation lists them. */
  public static List<Option> all() {
    return ALL;
  }

  /** The option keys, in documentation order. */
  public static List<String> keys() {
    return ALL.stream().map(Option::key).toList();
  }

  /** The options as a Markdown table, one row per option, ending with a newline. */
  public static String markdown() {
    StringBuilder out = new StringBuilder();
    out.append("| Option | Default | Description |\n");
    out.append("|---|---|---|\n");
    for (Option o : ALL) {
      out.append("| `")
          .append(o.key())
          .append("` | ")
          .append(o.defaultValue())
          .append(" | ")
          .append(o.description())
          .append(" |\n");
    }
    return out.toString();
  }
}
