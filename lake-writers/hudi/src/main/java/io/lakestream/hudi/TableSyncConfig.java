package io.lakestream.hudi;

import io.lakestream.core.spec.Problems;
import io.lakestream.core.spec.SpecOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The {@code sink.hudi.sync} section, parsed: where lakestream registers its Hudi tables for query
 * engines after every commit ({@link TableSync}).
 *
 * @param type the kind of registry
 * @param dir the file metastore's directory, absolute
 * @param schema the schema (database) the tables are registered in, or null for the namespace of
 *     each lakestream table
 */
record TableSyncConfig(Type type, Path dir, String schema) {

  /** The section's key under {@code sink.hudi}. */
  static final String KEY = "sync";

  /** The registries lakestream can keep up to date. */
  enum Type {
    /**
     * Trino's file metastore ({@code hive.metastore=file}): JSON files in a local directory that a
     * Trino on the same machine (or with the directory mounted) reads.
     */
    TRINO_FILE_METASTORE
  }

  private static final List<String> KEYS = List.of("type", "dir", "schema");
  private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]*");

  /**
   * Reads {@code config.sync}, adding a problem for every mistake with its path below {@code path}.
   *
   * @return the section, or null when there is none or it is invalid
   */
  static TableSyncConfig parse(Map<String, Object> config, String path, Problems problems) {
    Object value = config.get(KEY);
    String where = path + "." + KEY;
    if (value == null) {
      return null;
    }
    if (!(value instanceof Map<?, ?> section)) {
      problems.add(
          where,
          "must be a section, e.g. {type: trino-file-metastore, dir: warehouse/trino-metastore}"
              + " (given "
              + value
              + ")");
      return null;
    }
    int before = problems.list().size();
    for (Object key : section.keySet()) {
      if (!KEYS.contains(String.valueOf(key))) {
        problems.add(where + "." + key, "unknown option (known: " + String.join(", ", KEYS) + ")");
      }
    }
    Type type = null;
    Object typeValue = section.get("type");
    for (Type t : Type.values()) {
      if (SpecOption.choiceName(t).equals(typeValue)) {
        type = t;
      }
    }
    if (type == null) {
      problems.add(
          where + ".type",
          (typeValue == null ? "is required" : "unknown value \"" + typeValue + "\"")
              + " (supported: "
              + SpecOption.choiceName(Type.TRINO_FILE_METASTORE)
              + "; a Hive Metastore or Glue sync does not exist yet)");
    }
    Object dir = section.get("dir");
    if (!(dir instanceof String d) || d.isBlank()) {
      problems.add(
          where + ".dir",
          dir == null
              ? "is required: the directory of Trino's file metastore (hive.metastore.catalog.dir)"
              : "must be a directory path (given " + dir + ")");
    } else if (d.contains("://")) {
      problems.add(
          where + ".dir",
          "must be a local directory (given "
              + d
              + "): the file metastore sync writes local files");
    }
    Object schema = section.get("schema");
    if (schema != null && !(schema instanceof String s && NAME.matcher(s).matches())) {
      problems.add(
          where + ".schema",
          "must be a lower-case name of letters, digits and _ (given " + schema + ")");
    }
    if (problems.list().size() > before) {
      return null;
    }
    return new TableSyncConfig(
        type, Path.of((String) dir).toAbsolutePath().normalize(), (String) schema);
  }

  /** The schema a lakestream table {@code namespace.name} is registered in. */
  String schemaOf(String table) {
    if (schema != null) {
      return schema;
    }
    int dot = table.lastIndexOf('.');
    return (dot < 0 ? "default" : table.substring(0, dot).replace('.', '_'))
        .toLowerCase(Locale.ROOT);
  }

  /** The name a lakestream table {@code namespace.name} is registered under. */
  static String tableOf(String table) {
    return HudiTable.tableName(table).toLowerCase(Locale.ROOT);
  }

  /** Opens the sync of one table. */
  TableSync open(HudiTable table, String lakestreamTable) {
    return switch (type) {
      case TRINO_FILE_METASTORE ->
          new TrinoFileMetastoreSync(
              dir, schemaOf(lakestreamTable), tableOf(lakestreamTable), table);
    };
  }
}
