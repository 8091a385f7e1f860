package io.lakestream.hudi;

import io.lakestream.catalog.CommitMetadata;
import io.lakestream.core.error.PipelineException;
import io.lakestream.core.inspect.ScanStats;
import io.lakestream.core.inspect.TableDescription;
import io.lakestream.core.inspect.TableInspector;
import io.lakestream.core.spec.WriterId;
import java.io.IOException;
import java.text.ParseException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hudi.common.engine.HoodieLocalEngineContext;
import org.apache.hudi.common.model.FileSlice;
import org.apache.hudi.common.model.HoodieCommitMetadata;
import org.apache.hudi.common.table.HoodieTableConfig;
import org.apache.hudi.common.table.HoodieTableMetaClient;
import org.apache.hudi.common.table.TableSchemaResolver;
import org.apache.hudi.common.table.timeline.HoodieInstant;
import org.apache.hudi.common.table.timeline.HoodieInstantTimeGenerator;
import org.apache.hudi.common.table.timeline.HoodieTimeline;
import org.apache.hudi.common.table.view.HoodieTableFileSystemView;

/**
 * Lists, describes and scans the Hudi tables in one directory (each subdirectory with a {@code
 * .hoodie} folder) for {@code lakestream tables}, {@code describe} and {@code bench}. A commit is
 * an instant of the active timeline, with the lakestream checkpoint its commit metadata records;
 * the totals are the latest file slices of the completed timeline, and live rows are counted by
 * reading the table with Hudi's own reader ({@link HudiSnapshotReader}).
 */
final class HudiTableInspector implements TableInspector {
  private final String dir;
  private final Map<String, String> storage;

  /**
   * @param dir the directory holding the tables: a local path or a Hadoop-compatible URI
   * @param storage how to reach it in object storage: the keys of {@code sink.hudi.storage}
   */
  HudiTableInspector(String dir, Map<String, String> storage) {
    this.dir = dir;
    this.storage = Map.copyOf(storage);
  }

  /** The Hudi table names of the directory's tables, sorted. */
  @Override
  public List<String> list() {
    return tables().keySet().stream().sorted().toList();
  }

  /** Table name to base path, for every subdirectory holding a Hudi table. */
  private Map<String, String> tables() {
    Map<String, String> tables = new LinkedHashMap<>();
    try {
      Path root =
          new Path(
              dir.contains("://")
                  ? dir
                  : java.nio.file.Path.of(dir).toAbsolutePath().toUri().toString());
      FileSystem fs = root.getFileSystem(HadoopStorage.conf(storage));
      if (!fs.exists(root)) {
        throw new PipelineException("Directory " + dir + " of Hudi tables does not exist");
      }
      for (FileStatus s : fs.listStatus(root)) {
        if (s.isDirectory() && fs.exists(new Path(s.getPath(), ".hoodie/hoodie.properties"))) {
          String base = s.getPath().toUri().toString();
          tables.put(meta(base).getTableConfig().getTableName(), base);
        }
      }
    } catch (IOException e) {
      throw new PipelineException("Cannot list Hudi tables in " + dir + ": " + e.getMessage(), e);
    }
    return tables;
  }

  /**
   * The base path of {@code table} ({@code namespace.name} or the Hudi table name).
   *
   * @throws PipelineException if the directory holds no such table
   */
  /** How the tables are reached in object storage: the keys of {@code sink.hudi.storage}. */
  Map<String, String> storage() {
    return storage;
  }

  String basePath(String table) {
    String name = HudiTable.tableName(table);
    String base = tables().get(name);
    if (base == null) {
      throw new PipelineException(
          "No Hudi table " + name + " in " + dir + " (tables: " + String.join(", ", list()) + ")");
    }
    return base;
  }

  private HoodieTableMetaClient meta(String basePath) {
    return HoodieTableMetaClient.builder()
        .setConf(HudiTable.storageConf(storage))
        .setBasePath(basePath)
        .setLoadActiveTimelineOnLoad(true)
        .build();
  }

  @Override
  public TableDescription describe(String table, int commitLimit) {
    String base = basePath(table);
    HoodieTableMetaClient meta = meta(base);
    HoodieTableConfig config = meta.getTableConfig();
    try {
      List<TableDescription.Column> columns = new ArrayList<>();
      for (org.apache.avro.Schema.Field f :
          new TableSchemaResolver(meta).getTableSchema(false).toAvroSchema().getFields()) {
        columns.add(new TableDescription.Column(f.name(), typeName(f.schema()), false));
      }
      List<String> key =
          config.getRecordKeyFields().map(List::of).orElse(List.of()).stream()
              .filter(k -> !k.equals(HudiTable.GENERATED_KEY))
              .toList();
      List<String> partitions = config.getPartitionFields().map(List::of).orElse(List.<String>of());
      List<HoodieInstant> instants = new ArrayList<>(meta.getActiveTimeline().getInstants());
      java.util.Collections.reverse(instants); // newest first
      HoodieTimeline commits = meta.getCommitsTimeline().filterCompletedInstants();
      List<TableDescription.Commit> shown = new ArrayList<>();
      Map<WriterId, TableDescription.WriterCheckpoint> writers = new LinkedHashMap<>();
      for (HoodieInstant i : instants) {
        HoodieCommitMetadata metadata =
            commits.containsInstant(i) ? commits.readCommitMetadata(i) : null;
        Optional<CommitMetadata.Checkpoint> recorded =
            metadata == null
                ? Optional.empty()
                : CommitMetadata.fromCommitEntries(metadata.getExtraMetadata());
        Instant at = time(i.isCompleted() ? i.getCompletionTime() : i.requestedTime());
        recorded.ifPresent(
            c ->
                writers.putIfAbsent(
                    c.writer(),
                    new TableDescription.WriterCheckpoint(
                        c.writer(), c.checkpointId(), at, c.positions())));
        if (shown.size() < commitLimit) {
          shown.add(
              new TableDescription.Commit(
                  Long.parseLong(i.requestedTime()),
                  at,
                  i.getAction() + (i.isCompleted() ? "" : " (" + i.getState() + ")"),
                  recorded.map(CommitMetadata.Checkpoint::writer).orElse(null),
                  recorded.map(CommitMetadata.Checkpoint::checkpointId).orElse(null),
                  metadata == null ? 0 : metadata.fetchTotalFiles(),
                  metadata == null ? 0 : metadata.fetchTotalInsertRecordsWritten(),
                  recorded.map(CommitMetadata.Checkpoint::positions).orElse(Map.of())));
        }
      }
      Slices slices = slices(base, meta);
      long rows =
          slices.baseFiles + slices.logFiles == 0
              ? 0
              : HudiSnapshotReader.read(base, storage).size();
      Map<String, String> details = new LinkedHashMap<>();
      details.put("table type", config.getTableType().name());
      details.put(
          "ordering",
          config.getOrderingFieldsStr().isPresent() ? config.getOrderingFieldsStr().get() : "none");
      details.put(
          "file groups",
          String.format(
              java.util.Locale.ROOT,
              "%,d in %,d partitions (%,d base files, %,d log files)",
              slices.fileGroups,
              slices.partitions,
              slices.baseFiles,
              slices.logFiles));
      Map<String, String> properties = new LinkedHashMap<>();
      config.getProps().forEach((k, v) -> properties.put(k.toString(), v.toString()));
      return new TableDescription(
          table,
          HudiTableInspectorFactory.FORMAT,
          config.getTableVersion().versionCode(),
          base,
          columns,
          partitions.isEmpty() ? "unpartitioned" : String.join(", ", partitions),
          key,
          "unsorted",
          properties,
          shown,
          instants.size(),
          new ArrayList<>(writers.values()),
          new TableDescription.Totals(
              slices.baseFiles + slices.logFiles, rows, slices.bytes, 0, 0, 0, 0, rows),
          details);
    } catch (PipelineException e) {
      throw e;
    } catch (Exception e) {
      throw new PipelineException(
          "Cannot describe Hudi table " + table + " at " + base + ": " + e, e);
    }
  }

  /** The latest file slices of the completed timeline, counted. */
  private record Slices(
      long partitions, long fileGroups, long baseFiles, long logFiles, long bytes) {}

  private Slices slices(String base, HoodieTableMetaClient meta) throws IOException {
    HoodieTimeline completed = meta.getCommitsAndCompactionTimeline().filterCompletedInstants();
    long partitions = 0;
    long groups = 0;
    long baseFiles = 0;
    long logFiles = 0;
    long bytes = 0;
    if (completed.lastInstant().isEmpty()) {
      return new Slices(0, 0, 0, 0, 0);
    }
    try (HoodieTableFileSystemView view =
        HoodieTableFileSystemView.fileListingBasedFileSystemView(
            new HoodieLocalEngineContext(HudiTable.storageConf(storage)), meta, completed)) {
      for (String partition : HudiSnapshotReader.partitions(base, storage)) {
        partitions++;
        for (FileSlice slice :
            (Iterable<FileSlice>) view.getLatestFileSlices(partition)::iterator) {
          groups++;
          if (slice.getBaseFile().isPresent()) {
            baseFiles++;
            bytes += slice.getBaseFile().get().getFileSize();
          }
          logFiles += slice.getLogFiles().count();
          bytes += slice.getLogFiles().mapToLong(l -> Math.max(0, l.getFileSize())).sum();
        }
      }
    }
    return new Slices(partitions, groups, baseFiles, logFiles, bytes);
  }

  /** An instant time ({@code yyyyMMddHHmmssSSS}, the writer's local time) as an instant. */
  private static Instant time(String instantTime) {
    try {
      return HoodieInstantTimeGenerator.parseDateFromInstantTime(instantTime).toInstant();
    } catch (ParseException e) {
      return Instant.EPOCH;
    }
  }

  /**
   * A column's type in spec syntax ({@code long}, {@code decimal(10, 2)}, {@code list<string>}).
   */
  private static String typeName(org.apache.avro.Schema avro) {
    org.apache.avro.Schema type = AvroRows.nonNull(avro);
    LogicalType logical = type.getLogicalType();
    if (logical instanceof LogicalTypes.Decimal d) {
      return "decimal(" + d.getPrecision() + ", " + d.getScale() + ")";
    }
    if (logical instanceof LogicalTypes.Date) {
      return "date";
    }
    if (logical instanceof LogicalTypes.TimestampMicros
        || logical instanceof LogicalTypes.TimestampMillis) {
      return "timestamp";
    }
    return switch (type.getType()) {
      case ARRAY -> "list<" + typeName(type.getElementType()) + ">";
      case RECORD ->
          type.getFields().stream()
              .map(f -> f.name() + ": " + typeName(f.schema()))
              .collect(Collectors.joining(", ", "struct<", ">"));
      case BYTES, FIXED -> "binary";
      default -> type.getType().getName();
    };
  }

  /** Reads every row with Hudi's file-group reader, log files merged. */
  @Override
  public ScanStats scan(String table) {
    String base = basePath(table);
    try {
      Slices slices = slices(base, meta(base));
      long start = System.nanoTime();
      long rows = HudiSnapshotReader.read(base, storage).size();
      return new ScanStats(rows, slices.baseFiles, slices.logFiles, System.nanoTime() - start);
    } catch (IOException e) {
      throw new PipelineException("Cannot scan Hudi table " + table + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {}
}
