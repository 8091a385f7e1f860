package io.lakestream.cli;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The table format {@code lakestream bench} writes: the {@code sink} section of the spec it
 * generates.
 */
enum BenchSink {
  ICEBERG("iceberg"),
  HUDI_COW("hudi-cow"),
  HUDI_MOR("hudi-mor");

  private final String label;

  BenchSink(String label) {
    this.label = label;
  }

  @Override
  public String toString() {
    return label;
  }

  /**
   * The spec's {@code sink} section.
   *
   * @param warehouse the benchmark's warehouse directory
   * @param icebergCatalog the Iceberg catalog as a YAML flow map; null for a JDBC catalog on SQLite
   *     in {@code warehouse}
   * @param table the table, {@code namespace.name}
   * @param upsertKey the key column of an upsert table; null for a table rows are appended to, or
   *     one the pipeline keys itself (window results), which either format upserts by that key
   * @param properties the table properties line ({@code properties: {...}}), empty for none
   */
  String section(
      Path warehouse, String icebergCatalog, String table, String upsertKey, String properties) {
    String lines =
        switch (this) {
          case ICEBERG ->
              String.join(
                  "\n",
                  "sink:",
                  "  iceberg:",
                  "    catalog: "
                      + (icebergCatalog != null
                          ? icebergCatalog
                          : "{type: jdbc, uri: \"jdbc:sqlite:"
                              + warehouse.resolve("catalog.db")
                              + "\", warehouse: \""
                              + warehouse
                              + "\"}"),
                  "    table: " + table,
                  upsertKey == null ? "" : "    mode: upsert\n    key: [" + upsertKey + "]");
          case HUDI_COW, HUDI_MOR ->
              String.join(
                  "\n",
                  "sink:",
                  "  hudi:",
                  "    path: \"" + hudiTable(warehouse, table) + "\"",
                  "    table: " + table,
                  "    type: " + (this == HUDI_COW ? "copy-on-write" : "merge-on-read"),
                  upsertKey == null
                      ? ""
                      : "    operation: upsert\n    record-key: [" + upsertKey + "]");
        };
    return properties.isEmpty() ? lines : lines + "\n    " + properties;
  }

  /** Where a Hudi sink writes {@code table} ({@code namespace.name}). */
  private static Path hudiTable(Path warehouse, String table) {
    return warehouse.resolve("hudi").resolve(table.replace('.', '/'));
  }

  /**
   * The {@code --catalog} section that reads {@code table} back: {@code icebergCatalog} for
   * Iceberg, the directory of Hudi tables holding it for Hudi.
   */
  Map<String, Object> tables(Path warehouse, Map<String, Object> icebergCatalog, String table) {
    return this == ICEBERG
        ? icebergCatalog
        : Map.of("type", "hudi", "path", hudiTable(warehouse, table).getParent().toString());
  }

  /** Reads {@code --sink}. */
  static final class Converter implements ITypeConverter<BenchSink> {
    @Override
    public BenchSink convert(String value) {
      return Arrays.stream(values())
          .filter(s -> s.label.equals(value.toLowerCase(Locale.ROOT)))
          .findFirst()
          .orElseThrow(
              () ->
                  new TypeConversionException(
                      "'"
                          + value
                          + "' is not a sink; use "
                          + Arrays.stream(values())
                              .map(BenchSink::toString)
                              .collect(Collectors.joining(", "))));
    }
  }
}
