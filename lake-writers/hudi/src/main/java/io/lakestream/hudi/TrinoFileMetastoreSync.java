package io.lakestream.hudi;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hudi.common.model.HoodieRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers one Hudi table in Trino's file metastore, the JSON files Trino's {@code
 * hive.metastore=file} reads from a directory: the schema ({@code <dir>/.<schema>.trinoSchema}),
 * the table ({@code <dir>/<schema>/<table>/.trinoSchema}) and one file per partition ({@code
 * <dir>/<schema>/<table>/<col=value>/.trinoSchema}). Trino's Hudi connector cannot create tables,
 * so the writer registers them; it reads the Hudi timeline at query time, so only new partitions
 * and new columns need writing, and commits to known partitions need nothing.
 *
 * <p>The first call in a process also registers every partition directory of the table, which
 * covers partitions a crash between a commit and its sync left unregistered. A failed sync is
 * logged and repeated in full after the next commit: the commit itself has succeeded.
 *
 * <p>Local tables get a {@code local://} location (Trino 476 fails on {@code file://} ones), and
 * the empty {@code .hoodie/timeline/history} directory Hudi leaves until it first archives is
 * deleted after every commit, since Trino 476 fails to list an empty local directory there.
 */
final class TrinoFileMetastoreSync implements TableSync {
  private static final Logger LOG = LoggerFactory.getLogger(TrinoFileMetastoreSync.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SCHEMA_FILE = ".trinoSchema";
  private static final String OWNER = "lakestream";

  /** Trino's Hudi connector takes a table only if its input format is one of Hudi's. */
  private static final Map<String, Object> STORAGE_FORMAT =
      ordered(
          "serde", "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
          "inputFormat", "org.apache.hudi.hadoop.HoodieParquetInputFormat",
          "outputFormat", "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat");

  private final Path dir;
  private final String schema;
  private final String tableName;
  private final HudiTable table;
  private final Path tableDir;
  private final Set<String> registered = new LinkedHashSet<>();
  private List<Map<String, Object>> columns;
  private boolean synced;

  /**
   * @param dir the metastore directory ({@code hive.metastore.catalog.dir})
   * @param schema the schema to register the table in
   * @param tableName the table's name in that schema
   */
  TrinoFileMetastoreSync(Path dir, String schema, String tableName, HudiTable table) {
    this.dir = dir;
    this.schema = schema;
    this.tableName = tableName;
    this.table = table;
    this.tableDir = dir.resolve(schema).resolve(tableName);
  }

  @Override
  public void afterCommit(org.apache.avro.Schema rows, Collection<String> partitionPaths) {
    try {
      Set<String> partitions = new LinkedHashSet<>(partitionPaths);
      if (!synced) {
        writeIfChanged(
            dir.resolve("." + schema + SCHEMA_FILE),
            ordered("ownerName", OWNER, "ownerType", "USER", "parameters", Map.of()));
        partitions.addAll(partitionDirectories());
      }
      List<Map<String, Object>> data = dataColumns(rows);
      if (!data.equals(columns)) {
        writeIfChanged(tableDir.resolve(SCHEMA_FILE), tableFile(rows, data));
        partitions.addAll(registered); // partitions repeat the table's columns
        registered.clear();
        columns = data;
      }
      for (String partition : partitions) {
        if (!partition.isEmpty() && !registered.contains(partition)) {
          writeIfChanged(
              tableDir.resolve(metastoreName(partition)).resolve(SCHEMA_FILE),
              partitionFile(partition, data));
          registered.add(partition);
        }
      }
      deleteEmptyArchiveDir();
      synced = true;
    } catch (IOException | RuntimeException e) {
      synced = false;
      columns = null;
      registered.clear();
      LOG.warn(
          "Could not register Hudi table {} in Trino's file metastore {} (retried after the next"
              + " commit): {}",
          schema + "." + tableName,
          dir,
          e.toString());
    }
  }

  /** Hudi's meta columns, then the rows' columns except the partition columns. */
  private List<Map<String, Object>> dataColumns(org.apache.avro.Schema rows) {
    List<Map<String, Object>> data = new ArrayList<>();
    for (String meta : HoodieRecord.HOODIE_META_COLUMNS) {
      data.add(column(meta, "string"));
    }
    for (org.apache.avro.Schema.Field f : rows.getFields()) {
      if (!table.config().partitionBy().contains(f.name())) {
        data.add(column(f.name(), HiveTypes.of(f.schema())));
      }
    }
    return data;
  }

  private Map<String, Object> tableFile(
      org.apache.avro.Schema rows, List<Map<String, Object>> data) {
    List<Map<String, Object>> partitionColumns = new ArrayList<>();
    for (String name : table.config().partitionBy()) {
      partitionColumns.add(column(name, HiveTypes.ofPartitionColumn(rows.getField(name).schema())));
    }
    Map<String, Object> file = new LinkedHashMap<>();
    file.put("owner", OWNER);
    file.put("tableType", "EXTERNAL_TABLE");
    file.put("dataColumns", data);
    file.put("partitionColumns", partitionColumns);
    file.put("parameters", Map.of("EXTERNAL", "TRUE"));
    file.put("originalStorageFormat", STORAGE_FORMAT);
    file.put("serdeParameters", Map.of());
    file.put("externalLocation", location(""));
    file.put("columnStatistics", Map.of());
    return file;
  }

  private Map<String, Object> partitionFile(String partition, List<Map<String, Object>> data) {
    Map<String, Object> file = new LinkedHashMap<>();
    file.put("columns", data);
    file.put("parameters", Map.of());
    file.put("originalStorageFormat", STORAGE_FORMAT);
    file.put("serdeParameters", Map.of());
    file.put("externalLocation", location(partition));
    file.put("columnStatistics", Map.of());
    return file;
  }

  private static Map<String, Object> column(String name, String type) {
    return ordered("name", name, "type", type, "properties", Map.of());
  }

  /**
   * Where Trino reads the table or one of its partitions: {@code local:///...} for a local table,
   * the base path's own URI otherwise.
   */
  String location(String partition) {
    URI base = URI.create(table.basePath());
    String root = "file".equals(base.getScheme()) ? "local://" + base.getPath() : base.toString();
    root = root.replaceAll("/+$", "");
    return partition.isEmpty() ? root : root + "/" + partition;
  }

  /**
   * The metastore's directory name of a Hudi partition path: each {@code col=value} with the value
   * escaped as Hive escapes partition names, so Trino reads the same values back.
   */
  static String metastoreName(String partitionPath) {
    List<String> parts = new ArrayList<>();
    for (String segment : partitionPath.split("/")) {
      int eq = segment.indexOf('=');
      parts.add(segment.substring(0, eq + 1) + escape(segment.substring(eq + 1)));
    }
    return String.join("/", parts);
  }

  private static String escape(String value) {
    StringBuilder out = new StringBuilder();
    for (char c : value.toCharArray()) {
      if (c < 0x20 || c == 0x7F || "\"#%'*/:=?\\{[]^".indexOf(c) >= 0) {
        out.append(String.format("%%%02X", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** The table's partition paths as directories under its base path, Hive style. */
  private List<String> partitionDirectories() throws IOException {
    List<String> columns = table.config().partitionBy();
    List<String> found = new ArrayList<>();
    if (columns.isEmpty()) {
      return found;
    }
    FileSystem fs = table.fileSystem();
    List<String> level = List.of("");
    for (String column : columns) {
      List<String> next = new ArrayList<>();
      for (String parent : level) {
        org.apache.hadoop.fs.Path path =
            parent.isEmpty()
                ? new org.apache.hadoop.fs.Path(table.basePath())
                : new org.apache.hadoop.fs.Path(table.basePath(), parent);
        for (FileStatus s : fs.listStatus(path)) {
          String name = s.getPath().getName();
          if (s.isDirectory() && name.startsWith(column + "=")) {
            next.add(parent.isEmpty() ? name : parent + "/" + name);
          }
        }
      }
      level = next;
    }
    found.addAll(level);
    return found;
  }

  /**
   * Deletes {@code .hoodie/timeline/history} of a local table while it is empty. Object stores have
   * no empty directories, so there is nothing to do elsewhere.
   */
  private void deleteEmptyArchiveDir() throws IOException {
    URI base = URI.create(table.basePath());
    if (!"file".equals(base.getScheme())) {
      return;
    }
    Path history = Path.of(base).resolve(".hoodie/timeline/history");
    if (!Files.isDirectory(history)) {
      return;
    }
    try (Stream<Path> entries = Files.list(history)) {
      if (entries.findAny().isPresent()) {
        return;
      }
    }
    try {
      Files.delete(history);
    } catch (DirectoryNotEmptyException | NoSuchFileException raced) {
      // Hudi archived meanwhile, or another process deleted it: either way Trino can list it
    }
  }

  /** Writes {@code content} as JSON unless the file holds it already; atomically replaced. */
  private static void writeIfChanged(Path file, Map<String, Object> content) throws IOException {
    byte[] json = JSON.writeValueAsBytes(content);
    if (Files.isRegularFile(file)
        && JSON.readTree(Files.readAllBytes(file)).equals(JSON.readTree(json))) {
      return;
    }
    Files.createDirectories(file.getParent());
    Path temp = file.resolveSibling(file.getFileName() + ".lakestream-tmp");
    Files.write(temp, json);
    Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static Map<String, Object> ordered(Object... keysAndValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }
}
