package io.lakestream.iceberg;

import io.lakestream.catalog.Catalogs;
import io.lakestream.core.spec.ColumnNames;
import io.lakestream.core.spec.Problems;
import io.lakestream.core.spec.SpecOption;
import io.lakestream.core.spec.Units;
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
 * @param table the table, {@code namespace.name}; null when missing or malformed
 * @param partitionBy the partition transforms, in order
 * @param targetFileSize bytes after which a data file is rolled
 * @param properties table properties for creation
 * @param mode the write mode
 * @param key the key columns, in order; empty in append mode
 * @param keyIndexKeys the most keys an upsert writer's key index holds; 0 for delete mode {@code
 *     equality} and in append mode
 */
record SinkConfig(
    Map<String, Object> catalog,
    String table,
    List<PartitionField> partitionBy,
    long targetFileSize,
    Map<String, String> properties,
    IcebergSinkOptions.Mode mode,
    List<String> key,
    int keyIndexKeys) {

  private static final Pattern TABLE_NAME = Pattern.compile("[^.\\s]+(\\.[^.\\s]+)+");

  /**
   * Reads a section, adding one problem per mistake with its path below {@code path}.
   *
   * @param config the section as parsed from YAML
   * @param path the section's path, e.g. {@code sink.iceberg}
   */
  static SinkConfig parse(Map<String, Object> config, String path, Problems problems) {
    for (String key : config.keySet()) {
      if (!IcebergSinkOptions.keys().contains(key)) {
        problems.add(
            path + "." + key,
            "unknown option (known: " + String.join(", ", IcebergSinkOptions.keys()) + ")");
      }
    }
    Map<String, Object> catalog = catalog(config, path, problems);
    String table = table(config, path, problems);
    List<PartitionField> partitionBy = partitionBy(config, path, problems);
    long targetFileSize = targetFileSize(config, path, problems);
    Map<String, String> properties = properties(config, path, problems);
    IcebergSinkOptions.Mode mode = choice(config, path, problems, IcebergSinkOptions.MODE);
    IcebergSinkOptions.DeleteMode deleteMode =
        choice(config, path, problems, IcebergSinkOptions.DELETE_MODE);
    int maxKeys = keyIndexMaxKeys(config, path, problems);
    if (mode != IcebergSinkOptions.Mode.UPSERT) {
      for (SpecOption<?> upsertOnly :
          List.of(IcebergSinkOptions.DELETE_MODE, IcebergSinkOptions.KEY_INDEX_MAX_KEYS)) {
        if (config.containsKey(upsertOnly.key())) {
          problems.add(path + "." + upsertOnly.key(), "is only allowed with mode: upsert");
        }
      }
    }
    return new SinkConfig(
        catalog,
        table,
        partitionBy,
        targetFileSize,
        properties,
        mode,
        key(config, path, problems, mode),
        mode == IcebergSinkOptions.Mode.UPSERT
                && deleteMode == IcebergSinkOptions.DeleteMode.POSITION
            ? maxKeys
            : 0);
  }

  private static int keyIndexMaxKeys(Map<String, Object> config, String path, Problems problems) {
    Object value = config.get(IcebergSinkOptions.KEY_INDEX_MAX_KEYS.key());
    if (value == null) {
      return IcebergSinkOptions.KEY_INDEX_MAX_KEYS.defaultValue();
    }
    if (value instanceof Integer n && n > 0) {
      return n;
    }
    problems.add(
        path + "." + IcebergSinkOptions.KEY_INDEX_MAX_KEYS.key(),
        "must be a positive whole number of keys below 2^31 (given " + value + ")");
    return IcebergSinkOptions.KEY_INDEX_MAX_KEYS.defaultValue();
  }

  private static List<String> key(
      Map<String, Object> config, String path, Problems problems, IcebergSinkOptions.Mode mode) {
    Object value = config.get(IcebergSinkOptions.KEY.key());
    String where = path + "." + IcebergSinkOptions.KEY.key();
    Object modeGiven = config.get(IcebergSinkOptions.MODE.key());
    if (modeGiven != null && !SpecOption.choiceName(mode).equals(modeGiven)) {
      return List.of(); // the mode is wrong, so whether a key belongs here is unknown
    }
    if (value == null) {
      if (mode == IcebergSinkOptions.Mode.UPSERT) {
        problems.add(where, "is required in upsert mode: list the key columns, e.g. [user_id]");
      }
      return List.of();
    }
    if (mode == IcebergSinkOptions.Mode.APPEND) {
      problems.add(where, "is only allowed with mode: upsert (the mode is append)");
      return List.of();
    }
    return ColumnNames.list(value, path, IcebergSinkOptions.KEY.key(), "[user_id]", problems);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> catalog(
      Map<String, Object> config, String path, Problems problems) {
    Object value = config.get(IcebergSinkOptions.CATALOG.key());
    String where = path + "." + IcebergSinkOptions.CATALOG.key();
    if (value instanceof Map<?, ?> m) {
      Catalogs.validate((Map<String, ?>) m, where, problems);
      return (Map<String, Object>) m;
    }
    if (value != null) {
      problems.add(where, "must be a map of catalog properties (given " + value + ")");
    }
    return null;
  }

  private static String table(Map<String, Object> config, String path, Problems problems) {
    // that the table is present is checked by the spec parser, the same for every sink type
    Object value = config.get(IcebergSinkOptions.TABLE.key());
    if (value instanceof String s && TABLE_NAME.matcher(s).matches()) {
      return s;
    }
    if (value != null) {
      problems.add(
          path + "." + IcebergSinkOptions.TABLE.key(),
          "must be namespace.name, e.g. analytics.orders (given \"" + value + "\")");
    }
    return null;
  }

  private static List<PartitionField> partitionBy(
      Map<String, Object> config, String path, Problems problems) {
    Object value = config.get(IcebergSinkOptions.PARTITION_BY.key());
    String where = path + "." + IcebergSinkOptions.PARTITION_BY.key();
    List<PartitionField> fields = new ArrayList<>();
    if (value instanceof List<?> entries) {
      for (int i = 0; i < entries.size(); i++) {
        String entryPath = where + "[" + i + "]";
        try {
          PartitionField field = PartitionField.parse(entries.get(i));
          int earlier = fields.indexOf(field);
          if (earlier >= 0) {
            problems.add(
                entryPath,
                "duplicates " + IcebergSinkOptions.PARTITION_BY.key() + "[" + earlier + "]");
          }
          fields.add(field);
        } catch (IllegalArgumentException e) {
          problems.add(entryPath, e.getMessage());
          fields.add(null); // keeps the indexes of later entries
        }
      }
      fields.removeIf(f -> f == null);
    } else if (value != null) {
      problems.add(
          where, "must be a list of transforms, e.g. [\"day(event_time)\"] (given " + value + ")");
    }
    return List.copyOf(fields);
  }

  private static long targetFileSize(Map<String, Object> config, String path, Problems problems) {
    Object value = config.get(IcebergSinkOptions.TARGET_FILE_SIZE.key());
    String where = path + "." + IcebergSinkOptions.TARGET_FILE_SIZE.key();
    long size = IcebergSinkOptions.TARGET_FILE_SIZE.defaultValue();
    if (value == null) {
      return size;
    }
    try {
      size = Units.parseByteSize(value.toString());
    } catch (IllegalArgumentException e) {
      problems.add(
          where,
          "cannot parse \""
              + value
              + "\" as a size (write it like "
              + Units.BYTE_SIZE_SYNTAX
              + ")");
      return size;
    }
    if (size <= 0) {
      problems.add(where, "must be positive (given " + value + ")");
    }
    return size;
  }

  private static Map<String, String> properties(
      Map<String, Object> config, String path, Problems problems) {
    Object value = config.get(IcebergSinkOptions.PROPERTIES.key());
    String where = path + "." + IcebergSinkOptions.PROPERTIES.key();
    Map<String, String> properties = new LinkedHashMap<>();
    if (value instanceof Map<?, ?> m) {
      for (Map.Entry<?, ?> e : m.entrySet()) {
        String key = String.valueOf(e.getKey());
        Object v = e.getValue();
        if (v == null || v instanceof Map<?, ?> || v instanceof List<?>) {
          problems.add(where + "." + key, "must be a single value (given " + v + ")");
        } else if (key.equals("format-version") && !v.toString().equals("2")) {
          problems.add(
              where + "." + key,
              "must be 2: lakestream writes Iceberg format-version 2 tables, the newest that Trino"
                  + " 476 reads fully (given "
                  + v
                  + ")");
        } else {
          properties.put(key, v.toString());
        }
      }
    } else if (value != null) {
      problems.add(where, "must be a map of table properties (given " + value + ")");
    }
    return Map.copyOf(properties);
  }

  private static <E extends Enum<E>> E choice(
      Map<String, Object> config, String path, Problems problems, SpecOption<E> option) {
    Object value = config.get(option.key());
    String where = path + "." + option.key();
    if (value == null) {
      return option.defaultValue();
    }
    for (E choice : option.choices()) {
      if (SpecOption.choiceName(choice).equals(value)) {
        return choice;
      }
    }
    List<String> known = option.choices().stream().map(SpecOption::choiceName).toList();
    problems.add(
        where,
        "unknown "
            + option.key()
            + " \""
            + value
            + "\" (supported: "
            + String.join(", ", known)
            + ")");
    return option.defaultValue();
  }
}
