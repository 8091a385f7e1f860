package io.lakestream.hudi;

import io.lakestream.core.spec.ColumnNames;
import io.lakestream.core.spec.Problems;
import io.lakestream.core.spec.SpecOption;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileSystem;

/**
 * The {@code sink.hudi} section, parsed. Parsing adds a problem for every mistake and still returns
 * what could be read, so that validation reports everything at once.
 *
 * @param path the table's base path as written; null when missing
 * @param type the table type for a new table
 * @param operation how rows reach the table
 * @param recordKey the record key columns, in order; may be empty for {@code insert}
 * @param orderingField the column whose greatest value wins per key, or null
 * @param partitionBy the partition columns, in order
 * @param properties Hudi write configuration passed through
 * @param tableVersion the table version of a new table
 * @param compaction who compacts a merge-on-read table
 * @param compactEvery delta commits between inline compactions
 * @param storage how to reach the path in object storage (see {@link HadoopStorage})
 */
record HudiSinkConfig(
    String path,
    HudiSinkOptions.TableType type,
    HudiSinkOptions.Operation operation,
    List<String> recordKey,
    String orderingField,
    List<String> partitionBy,
    Map<String, String> properties,
    int tableVersion,
    HudiSinkOptions.Compaction compaction,
    int compactEvery,
    Map<String, String> storage) {

  /** {@code scheme:} at the start of a URI; one letter would be a Windows drive. */
  private static final Pattern URI_SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]+:");

  /** Write settings the exactly-once commit depends on; a spec may not change them. */
  static final Set<String> RESERVED_PROPERTIES =
      Set.of(
          "hoodie.embed.timeline.server",
          "hoodie.cleaner.policy.failed.writes",
          "hoodie.write.concurrency.mode",
          "hoodie.auto.commit",
          "hoodie.table.version",
          "hoodie.write.table.version",
          "hoodie.metadata.enable",
          "hoodie.compact.inline",
          "hoodie.compact.inline.max.delta.commits");

  HudiSinkConfig {
    recordKey = List.copyOf(recordKey);
    partitionBy = List.copyOf(partitionBy);
    properties = Map.copyOf(properties);
    storage = Map.copyOf(storage);
  }

  /**
   * Reads a section, adding one problem per mistake with its path below {@code path}.
   *
   * @param config the section as parsed from YAML
   * @param path the section's path, e.g. {@code sink.hudi}
   */
  static HudiSinkConfig parse(Map<String, Object> config, String path, Problems problems) {
    for (String key : config.keySet()) {
      if (!HudiSinkOptions.keys().contains(key)) {
        problems.add(
            path + "." + key,
            "unknown option (known: " + String.join(", ", HudiSinkOptions.keys()) + ")");
      }
    }
    String basePath = basePath(config, path, problems);
    HudiSinkOptions.TableType type = choice(config, path, problems, HudiSinkOptions.TYPE);
    HudiSinkOptions.Operation operation = choice(config, path, problems, HudiSinkOptions.OPERATION);
    List<String> recordKey = columns(config, path, problems, HudiSinkOptions.RECORD_KEY.key());
    if (operation == HudiSinkOptions.Operation.UPSERT
        && recordKey.isEmpty()
        && !config.containsKey(HudiSinkOptions.RECORD_KEY.key())) {
      problems.add(
          path + "." + HudiSinkOptions.RECORD_KEY.key(),
          "is required with operation: upsert: list the key columns, e.g. [order_id]");
    }
    String orderingField = orderingField(config, path, problems);
    List<String> partitionBy = columns(config, path, problems, HudiSinkOptions.PARTITION_BY.key());
    Map<String, String> properties = properties(config, path, problems);
    int tableVersion = tableVersion(config, path, problems);
    HudiSinkOptions.Compaction compaction =
        choice(config, path, problems, HudiSinkOptions.COMPACTION);
    int compactEvery = compactEvery(config, path, problems);
    Map<String, String> storage = stringMap(config, path, HudiSinkOptions.STORAGE.key(), problems);
    HadoopStorage.check(storage, path + "." + HudiSinkOptions.STORAGE.key(), problems);
    TableSyncConfig.parse(config, path, problems); // opened by HudiSinkFactory
    Object typeGiven = config.get(HudiSinkOptions.TYPE.key());
    boolean typeKnown = typeGiven == null || SpecOption.choiceName(type).equals(typeGiven);
    if (typeKnown && type == HudiSinkOptions.TableType.COPY_ON_WRITE) {
      for (String key :
          List.of(HudiSinkOptions.COMPACTION.key(), HudiSinkOptions.COMPACT_EVERY.key())) {
        if (config.containsKey(key)) {
          problems.add(path + "." + key, "is only allowed with type: merge-on-read");
        }
      }
    }
    return new HudiSinkConfig(
        basePath,
        type,
        operation,
        recordKey,
        orderingField,
        partitionBy,
        properties,
        tableVersion,
        compaction,
        compactEvery,
        storage);
  }

  private static String basePath(Map<String, Object> config, String path, Problems problems) {
    Object value = config.get(HudiSinkOptions.PATH.key());
    String where = path + "." + HudiSinkOptions.PATH.key();
    if (value == null) {
      problems.add(where, "is required: the table's base path, e.g. warehouse/hudi/orders");
      return null;
    }
    if (!(value instanceof String s) || s.isBlank()) {
      problems.add(where, "must be a path or URI (given " + value + ")");
      return null;
    }
    String scheme = URI_SCHEME.matcher(s).lookingAt() ? s.substring(0, s.indexOf(':')) : null;
    if (scheme != null && !hasFileSystem(scheme)) {
      problems.add(
          where,
          "no Hadoop file system for "
              + scheme
              + ":// paths is on the class path: use a local or mounted path, or s3:// (given "
              + s
              + ")");
      return null;
    }
    return s;
  }

  /**
   * Whether Hadoop finds a file system for {@code scheme}, as Hudi will look it up: none is
   * configured for it, or the class configured is missing.
   */
  private static boolean hasFileSystem(String scheme) {
    try {
      FileSystem.getFileSystemClass(scheme, HadoopStorage.conf(Map.of()));
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static <E extends Enum<E>> E choice(
      Map<String, Object> config, String path, Problems problems, SpecOption<E> option) {
    Object value = config.get(option.key());
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
        path + "." + option.key(),
        "unknown value \"" + value + "\" (supported: " + String.join(", ", known) + ")");
    return option.defaultValue();
  }

  private static List<String> columns(
      Map<String, Object> config, String path, Problems problems, String key) {
    Object value = config.get(key);
    return value == null ? List.of() : ColumnNames.list(value, path, key, "[order_id]", problems);
  }

  private static String orderingField(Map<String, Object> config, String path, Problems problems) {
    Object value = config.get(HudiSinkOptions.ORDERING_FIELD.key());
    if (value == null) {
      return null;
    }
    if (ColumnNames.isName(value)) {
      return (String) value;
    }
    problems.add(
        path + "." + HudiSinkOptions.ORDERING_FIELD.key(),
        "must be a top-level column name (given " + value + ")");
    return null;
  }

  private static Map<String, String> properties(
      Map<String, Object> config, String path, Problems problems) {
    String where = path + "." + HudiSinkOptions.PROPERTIES.key();
    Map<String, String> properties = new LinkedHashMap<>();
    stringMap(config, path, HudiSinkOptions.PROPERTIES.key(), problems)
        .forEach(
            (key, value) -> {
              if (RESERVED_PROPERTIES.contains(key)) {
                problems.add(
                    where + "." + key,
                    "is set by lakestream for exactly-once commits and cannot be overridden"
                        + (key.contains("version") ? "; use table-version" : "")
                        + (key.contains("compact") ? "; use compaction and compact-every" : ""));
              } else {
                properties.put(key, value);
              }
            });
    return properties;
  }

  /** The map of single values under {@code key}, empty when absent. */
  private static Map<String, String> stringMap(
      Map<String, Object> config, String path, String key, Problems problems) {
    String where = path + "." + key;
    Object value = config.get(key);
    Map<String, String> map = new LinkedHashMap<>();
    if (value instanceof Map<?, ?> m) {
      for (Map.Entry<?, ?> e : m.entrySet()) {
        String name = String.valueOf(e.getKey());
        Object v = e.getValue();
        if (v == null || v instanceof Map<?, ?> || v instanceof List<?>) {
          problems.add(where + "." + name, "must be a single value (given " + v + ")");
        } else {
          map.put(name, v.toString());
        }
      }
    } else if (value != null) {
      problems.add(where, "must be a map of single values (given " + value + ")");
    }
    return map;
  }

  private static int tableVersion(Map<String, Object> config, String path, Problems problems) {
    Object value = config.get(HudiSinkOptions.TABLE_VERSION.key());
    if (value == null) {
      return HudiSinkOptions.TABLE_VERSION.defaultValue();
    }
    if (value instanceof Integer v && (v == 8 || v == 9)) {
      return v;
    }
    problems.add(
        path + "." + HudiSinkOptions.TABLE_VERSION.key(),
        "must be 8 (read by Trino 476) or 9 (given " + value + ")");
    return HudiSinkOptions.TABLE_VERSION.defaultValue();
  }

  private static int compactEvery(Map<String, Object> config, String path, Problems problems) {
    Object value = config.get(HudiSinkOptions.COMPACT_EVERY.key());
    if (value == null) {
      return HudiSinkOptions.COMPACT_EVERY.defaultValue();
    }
    if (value instanceof Integer v && v >= 1) {
      return v;
    }
    problems.add(
        path + "." + HudiSinkOptions.COMPACT_EVERY.key(),
        "must be a positive number of delta commits (given " + value + ")");
    return HudiSinkOptions.COMPACT_EVERY.defaultValue();
  }
}
