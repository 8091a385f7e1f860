package io.lakestream.iceberg;

import io.lakestream.catalog.Catalogs;
import io.lakestream.catalog.CommitMetadata;
import io.lakestream.core.error.PipelineException;
import io.lakestream.core.inspect.ScanStats;
import io.lakestream.core.inspect.TableDescription;
import io.lakestream.core.inspect.TableInspector;
import io.lakestream.core.spec.WriterId;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileContent;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotSummary;
import org.apache.iceberg.SortOrder;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableUtil;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.util.SnapshotUtil;

/**
 * Lists, describes and scans the tables of an Iceberg catalog for {@code lakestream tables}, {@code
 * describe} and {@code bench}. A commit is an Iceberg snapshot; its lakestream entries are read
 * from the snapshot summary. Owns a catalog connection; close it.
 */
final class IcebergTableInspector implements TableInspector {
  private static final Pattern PARAMETERIZED = Pattern.compile("(\\w+)\\[(\\d+)]");
  private static final Comparator<WriterId> WRITER_ORDER =
      Comparator.comparing(WriterId::pipeline).thenComparing(WriterId::name);

  private final Catalog catalog;

  /**
   * Connects to the catalog a spec's {@code catalog} section describes.
   *
   * @param catalogSection the section, null for the default catalog
   * @throws io.lakestream.core.spec.SpecException if the section is invalid
   * @throws PipelineException if the catalog cannot be loaded
   */
  IcebergTableInspector(Map<String, ?> catalogSection) {
    this.catalog = Catalogs.load(catalogSection);
  }

  /** Every table of every namespace (nested ones included). */
  @Override
  public List<String> list() {
    try {
      List<String> tables = new ArrayList<>();
      if (catalog instanceof SupportsNamespaces namespaces) {
        Deque<Namespace> todo = new ArrayDeque<>(namespaces.listNamespaces());
        while (!todo.isEmpty()) {
          Namespace ns = todo.pop();
          catalog.listTables(ns).forEach(id -> tables.add(id.toString()));
          todo.addAll(namespaces.listNamespaces(ns));
        }
      } else {
        catalog.listTables(Namespace.empty()).forEach(id -> tables.add(id.toString()));
      }
      return tables.stream().distinct().sorted().toList();
    } catch (RuntimeException e) {
      throw new PipelineException(
          "Cannot list the tables of catalog " + catalog.name() + ": " + e.getMessage(), e);
    }
  }

  /** Reads the current snapshot: data files with their delete files applied. */
  @Override
  public ScanStats scan(String table) {
    Table t = load(table);
    long dataFiles = 0;
    long deleteFiles = 0;
    try (CloseableIterable<FileScanTask> tasks = t.newScan().planFiles()) {
      for (FileScanTask task : tasks) {
        dataFiles++;
        deleteFiles += task.deletes().size();
      }
    } catch (IOException e) {
      throw new PipelineException("Cannot plan a scan of " + table + ": " + e.getMessage(), e);
    }
    long start = System.nanoTime();
    long rows = countRows(t, table);
    return new ScanStats(rows, dataFiles, deleteFiles, System.nanoTime() - start);
  }

  /**
   * Describes a table from its metadata: the key is the schema's identifier fields, the commits are
   * its snapshots, the totals come from the current snapshot's summary (live rows are counted by
   * reading when there are delete files).
   */
  @Override
  public TableDescription describe(String table, int commitLimit) {
    Table t = load(table);
    List<TableDescription.Column> columns =
        t.schema().columns().stream()
            .map(
                c ->
                    new TableDescription.Column(
                        c.name(), SchemaConverter.typeName(c.type()), c.isRequired()))
            .toList();
    List<Snapshot> all = new ArrayList<>();
    t.snapshots().forEach(all::add);
    // newest first; v1 tables have no sequence numbers, so timestamps break ties
    all.sort(
        Comparator.comparingLong(Snapshot::sequenceNumber)
            .thenComparingLong(Snapshot::timestampMillis)
            .reversed());
    List<TableDescription.Commit> commits =
        all.stream().limit(Math.max(0, commitLimit)).map(IcebergTableInspector::commit).toList();
    return new TableDescription(
        TableIdentifier.parse(table).toString(),
        IcebergTableInspectorFactory.FORMAT,
        TableUtil.formatVersion(t),
        t.location(),
        columns,
        specString(t.spec()),
        t.schema().identifierFieldNames().stream().sorted().toList(),
        t.sortOrder().isUnsorted() ? "unsorted" : sortOrderString(t.sortOrder()),
        t.properties(),
        commits,
        all.size(),
        writers(t),
        totals(t, table),
        Map.of());
  }

  private Table load(String table) {
    try {
      return catalog.loadTable(TableSetup.identifier(table));
    } catch (NoSuchTableException e) {
      throw new PipelineException(
          "Table " + table + " does not exist in catalog " + catalog.name(), e);
    } catch (PipelineException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new PipelineException("Cannot load table " + table + ": " + e.getMessage(), e);
    }
  }

  /** The current snapshot's totals; live rows are counted by reading when there are deletes. */
  private static TableDescription.Totals totals(Table t, String table) {
    Snapshot current = t.currentSnapshot();
    if (current == null) {
      return TableDescription.Totals.EMPTY;
    }
    Map<String, String> summary = current.summary();
    Set<String> positionDeletes = new HashSet<>();
    Set<String> equalityDeletes = new HashSet<>();
    try (CloseableIterable<FileScanTask> tasks = t.newScan().planFiles()) {
      for (FileScanTask task : tasks) {
        for (DeleteFile delete : task.deletes()) {
          (delete.content() == FileContent.EQUALITY_DELETES ? equalityDeletes : positionDeletes)
              .add(delete.location());
        }
      }
    } catch (IOException e) {
      throw new PipelineException("Cannot plan a scan of " + table + ": " + e.getMessage(), e);
    }
    long records = number(summary, SnapshotSummary.TOTAL_RECORDS_PROP);
    boolean hasDeletes = !positionDeletes.isEmpty() || !equalityDeletes.isEmpty();
    return new TableDescription.Totals(
        number(summary, SnapshotSummary.TOTAL_DATA_FILES_PROP),
        records,
        number(summary, SnapshotSummary.TOTAL_FILE_SIZE_PROP),
        positionDeletes.size(),
        equalityDeletes.size(),
        number(summary, SnapshotSummary.TOTAL_POS_DELETES_PROP),
        number(summary, SnapshotSummary.TOTAL_EQ_DELETES_PROP),
        hasDeletes ? countRows(t, table) : records);
  }

  private static long countRows(Table t, String table) {
    long rows = 0;
    try (CloseableIterable<Record> records = IcebergGenerics.read(t).build()) {
      for (Record ignored : records) {
        rows++;
      }
    } catch (IOException e) {
      throw new PipelineException("Cannot scan " + table + ": " + e.getMessage(), e);
    }
    return rows;
  }

  /** A sort order as {@code column ASC NULLS FIRST, day(event_time) DESC NULLS LAST}. */
  private static String sortOrderString(SortOrder order) {
    return order.fields().stream()
        .map(
            f -> {
              String column = order.schema().findColumnName(f.sourceId());
              String transform = f.transform().toString();
              String term = transform.equals("identity") ? column : transform + "(" + column + ")";
              return term + " " + f.direction() + " " + f.nullOrder().toString().replace('_', ' ');
            })
        .collect(Collectors.joining(", "));
  }

  private static TableDescription.Commit commit(Snapshot s) {
    Map<String, String> summary = s.summary() == null ? Map.of() : s.summary();
    Optional<CommitMetadata.Checkpoint> recorded = recorded(s);
    return new TableDescription.Commit(
        s.snapshotId(),
        Instant.ofEpochMilli(s.timestampMillis()),
        s.operation(),
        recorded.map(CommitMetadata.Checkpoint::writer).orElse(null),
        recorded.map(CommitMetadata.Checkpoint::checkpointId).orElse(null),
        number(summary, SnapshotSummary.ADDED_FILES_PROP),
        number(summary, SnapshotSummary.ADDED_RECORDS_PROP),
        recorded.map(CommitMetadata.Checkpoint::positions).orElse(Map.of()));
  }

  /** What a snapshot records of a lakestream checkpoint; empty for another tool's snapshot. */
  private static Optional<CommitMetadata.Checkpoint> recorded(Snapshot s) {
    try {
      return CommitMetadata.fromCommitEntries(s.summary());
    } catch (IllegalArgumentException e) {
      return Optional.empty(); // a malformed entry: the snapshot is shown without it
    }
  }

  /** The newest checkpoint of every writer in the current snapshot's history. */
  private static List<TableDescription.WriterCheckpoint> writers(Table t) {
    Map<WriterId, TableDescription.WriterCheckpoint> last = new TreeMap<>(WRITER_ORDER);
    if (t.currentSnapshot() != null) {
      for (Snapshot s : SnapshotUtil.ancestorsOf(t.currentSnapshot().snapshotId(), t::snapshot)) {
        recorded(s)
            .ifPresent(
                c ->
                    last.putIfAbsent(
                        c.writer(),
                        new TableDescription.WriterCheckpoint(
                            c.writer(),
                            c.checkpointId(),
                            Instant.ofEpochMilli(s.timestampMillis()),
                            c.positions())));
      }
    }
    return List.copyOf(last.values());
  }

  private static long number(Map<String, String> summary, String key) {
    String value = summary.get(key);
    if (value == null) {
      return 0;
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** A spec in {@code partition-by} syntax, e.g. {@code day(event_time), bucket(16, user_id)}. */
  static String specString(PartitionSpec spec) {
    if (spec.isUnpartitioned()) {
      return "unpartitioned";
    }
    return spec.fields().stream()
        .map(
            f -> {
              String column = spec.schema().findColumnName(f.sourceId());
              String transform = f.transform().toString();
              Matcher m = PARAMETERIZED.matcher(transform);
              if (transform.equals("identity")) {
                return column;
              } else if (m.matches()) {
                return m.group(1) + "(" + m.group(2) + ", " + column + ")";
              }
              return transform + "(" + column + ")";
            })
        .collect(Collectors.joining(", "));
  }

  /** Closes the catalog connection. */
  @Override
  public void close() {
    if (catalog instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        throw new PipelineException("Cannot close catalog " + catalog.name(), e);
      }
    }
  }
}
