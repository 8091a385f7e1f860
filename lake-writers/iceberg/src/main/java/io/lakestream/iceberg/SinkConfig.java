package io.lakestream.iceberg;

import io.lakestream.catalog.Catalogs;
import io.lakestream.core.spec.Problems;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The {@code sink.iceberg} section, parsed. Parsing adds a problem for every mistake and still
 * returns what could be read, so that validation reports everything at once.
 *
 * @param catalog the catalog section, null for the default catalog
 * @param table the table, {@code namespace.name}; null when missing
 * @param partitionBy the partition transforms, in order
 * @param targetFileSize bytes after which a data file is rolled
 * @param properties table properties for creation
 * @param mode the write mode
 */
record SinkConfig(
    Map<String, Object> catalog,
    String table,
    List<PartitionField> partitionBy,
    long targetFileSize,
    Map<String, String> properties,
    String mode) {

  static final long DEFAULT_TARGET_FILE_SIZE = 128L << 20;
  static final String APPEND = "append";

  private static final Pattern TABLE_NAME = Pattern.compile("[^.\\s]+(\\.[^.\\s]+)+");

  /**
   * Reads a section, adding one problem per mistake with its path below {@code path}.
   *
   * @param config the section as parsed from YAML
   * @param path the section's path, e.g. {@code sink.iceberg}
   */
  @SuppressWarnings("unchecked")
  static SinkConfig parse(Map<String, Object> config, String path, Problems problems) {
    for (String key : config.keySet()) {
      if (!IcebergSinkOptions.keys().contains(key)) {
        problems.add(
            path + "." + key,
            "unknown option (known: " + String.join(", ", IcebergSinkOptions.keys()) + ")");
      }
    }

    Map<String, Object> catalog = null;
    Object catalogValue = config.get(IcebergSinkOptions.CATALOG.key());
    String catalogPath = path + "." + IcebergSinkOptions.CATALOG.key();
    if (catalogValue instanceof Map<?, ?> m) {
      catalog = (Map<String, Object>) m;
      Catalogs.validate(catalog, catalogPath, problems);
    } else if (catalogValue != null) {
      problems.add(catalogPath, "must be a mapping of catalog properties (given " + catalogValue + ")");
    }

    Object tableValue = config.get(IcebergSinkOptions.TABLE.key());
    String tablePath = path + "." + IcebergSinkOptions.TABLE.key();
    String table = null;
    if (tableValue == null) {
      problems.add(tablePath, "is required, e.g. analytics.orders");
    } else if (!(tableValue instanceof String s) || !TABLE_NAME.matcher(s).matches()) {
      problems.add(tablePath, "must be namespace.name, e.g. analytics.orders (given \"" + tableValue + "\")");
    } else {
      table = s;
    }

    List<PartitionField> partitionBy = new ArrayList<>();
    Object partitionValue = config.get(IcebergSinkOptions.PARTITION_BY.key());
    String partitionPath = path + "." + IcebergSinkOptions.PARTITION_BY.key();
    if (partitionValue instanceof List<?> entries) {
      for (int i = 0; i < entries.size(); i++) {
        String entryPath = partitionPath + "[" + i + "]";
        try {
          PartitionField field = PartitionField.parse(entries.get(i));
          int earlier = partitionBy.indexOf(field);
          if (earlier >= 0) {
            problems.add(entryPath, "duplicates " + IcebergSinkOptions.PARTITION_BY.key() + "[" + earlier + "]");
          }
          partitionBy.add(field);
        } catch (IllegalArgumentException e) {
          problems.add(entryPath, e.getMessage());
          partitionBy.add(null);
        }
      }
      partitionBy.removeIf(f -> f == null);
    } else if (partitionValue != null) {
      problems.add(
          partitionPath,
          "must be a list of transforms, e.g. [\"day(event_time)\"] (given " + partitionValue + ")");
    }

    long targetFileSize = DEFAULT_TARGET_FILE_SIZE;
    Object sizeValue = config.get(IcebergSinkOptions.TARGET_FILE_SIZE.key());
    if (sizeValue != null) {
      try {
        targetFileSize = Sizes.parse(sizeValue);
      } catch (IllegalArgumentException e) {
        problems.add(path + "." + IcebergSinkOptions.TARGET_FILE_SIZE.key(), e.getMessage());
      }
    }

    Map<String, String> properties = new LinkedHashMap<>();
    Object propertiesValue = config.get(IcebergSinkOptions.PROPERTIES.key());
    String propertiesPath = path + "." + IcebergSinkOptions.PROPERTIES.key();
    if (propertiesValue instanceof Map<?, ?> m) {
      for (Map.Entry<?, ?> e : m.entrySet()) {
        String key = String.valueOf(e.getKey());
        Object value = e.getValue();
        if (value == null || value instanceof Map<?, ?> || value instanceof List<?>) {
          problems.add(propertiesPath + "." + key, "must be a single value (given " + value + ")");
        } else if (key.equals("format-version") && !value.toString().equals("2")) {
          problems.add(
              propertiesPath + "." + key,
              "must be 2: lakestream writes Iceberg format-version 2 tables, the newest that Trino"
                  + " 476 reads fully (given "
                  + value
                  + ")");
        } else {
          properties.put(key, value.toString());
        }
      }
    } else if (propertiesValue != null) {
      problems.add(
          propertiesPath, "must be a mapping of table properties (given " + propertiesValue + ")");
    }

    String mode = APPEND;
    Object modeValue = config.get(IcebergSinkOptions.MODE.key());
    String modePath = path + "." + IcebergSinkOptions.MODE.key();
    if (modeValue != null) {
      if ("upsert".equals(modeValue)) {
        problems.add(modePath, "\"upsert\" is not supported yet; use append");
      } else if (!APPEND.equals(modeValue)) {
        problems.add(modePath, "unknown mode \"" + modeValue + "\" (supported: append)");
      }
    }

    return new SinkConfig(
        catalog, table, List.copyOf(partitionBy), targetFileSize, Map.copyOf(properties), mode);
  }
}
