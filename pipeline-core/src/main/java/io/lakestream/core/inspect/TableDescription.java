package io.lakestream.core.inspect;

import io.lakestream.core.spec.WriterId;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What {@code lakestream describe} shows about a table, as plain values the same for every table
 * format.
 *
 * @param name the table, {@code namespace.name}
 * @param format the table format's name, as {@link TableInspectorFactory#format()} gives it
 * @param formatVersion the version of the format's table specification the table is written in
 * @param location the table's root location
 * @param columns the current schema's top-level columns
 * @param partitioning the partitioning in {@code partition-by} syntax, e.g. {@code day(event_time),
 *     bucket(16, user_id)}; {@code unpartitioned} when there is none
 * @param key the columns rows are upserted and deleted by; empty for an append-only table
 * @param sortOrder the sort order, e.g. {@code event_time ASC NULLS FIRST}; {@code unsorted} when
 *     there is none
 * @param properties the table properties
 * @param commits the newest commits, newest first (at most the limit asked for)
 * @param commitCount how many commits the table keeps in all
 * @param writers the last checkpoint of every lakestream writer the table's current version
 *     records, by pipeline then writer
 * @param totals the current version's totals; {@link Totals#EMPTY} for a table without commits
 * @param details facts only this format has, by label in display order, e.g. Hudi's table type,
 *     ordering field and file groups; empty for Iceberg
 */
public record TableDescription(
    String name,
    String format,
    int formatVersion,
    String location,
    List<Column> columns,
    String partitioning,
    List<String> key,
    String sortOrder,
    Map<String, String> properties,
    List<Commit> commits,
    int commitCount,
    List<WriterCheckpoint> writers,
    Totals totals,
    Map<String, String> details) {

  public TableDescription {
    columns = List.copyOf(columns);
    key = List.copyOf(key);
    properties = Map.copyOf(properties);
    commits = List.copyOf(commits);
    writers = List.copyOf(writers);
    details = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(details));
  }

  /**
   * One column.
   *
   * @param name the column name
   * @param type its type in spec syntax, e.g. {@code timestamptz}, {@code decimal(10, 2)}, {@code
   *     list<string>}
   * @param required whether it may not be null
   */
  public record Column(String name, String type, boolean required) {}

  /**
   * One commit: a new version of the table.
   *
   * @param id the format's id of the commit (a snapshot id, or an instant time as a number)
   * @param committedAt when it was committed
   * @param operation the format's name for what the commit did, e.g. {@code append} or {@code
   *     overwrite}
   * @param writer the lakestream pipeline and writer that committed it, or null for another tool
   * @param checkpointId the lakestream checkpoint it holds, or null
   * @param addedFiles data files it added
   * @param addedRecords rows it added
   * @param sourcePositions the source positions the commit recorded (after the last record it
   *     includes), by split id such as {@code orders:0}; empty for a commit without them
   */
  public record Commit(
      long id,
      Instant committedAt,
      String operation,
      WriterId writer,
      Long checkpointId,
      long addedFiles,
      long addedRecords,
      Map<String, Long> sourcePositions) {
    public Commit {
      sourcePositions = Map.copyOf(sourcePositions);
    }
  }

  /**
   * The last checkpoint one lakestream writer committed to the table.
   *
   * @param writer the pipeline and writer
   * @param checkpointId its last checkpoint in the table
   * @param committedAt when that checkpoint was committed
   * @param sourcePositions the source positions it recorded, by split id
   */
  public record WriterCheckpoint(
      WriterId writer, long checkpointId, Instant committedAt, Map<String, Long> sourcePositions) {
    public WriterCheckpoint {
      sourcePositions = Map.copyOf(sourcePositions);
    }
  }

  /**
   * The table's current size.
   *
   * @param dataFiles live data files
   * @param records rows in the live data files, before deletes are applied
   * @param bytes bytes of live files, delete files included
   * @param positionDeleteFiles live files that delete rows by their position in a data file
   * @param equalityDeleteFiles live files that delete rows by the values of key columns
   * @param positionDeletes entries in the position-delete files
   * @param equalityDeletes entries in the equality-delete files
   * @param liveRows rows a reader sees, deletes applied: counted by reading the table when it has
   *     delete files, else {@code records}
   */
  public record Totals(
      long dataFiles,
      long records,
      long bytes,
      long positionDeleteFiles,
      long equalityDeleteFiles,
      long positionDeletes,
      long equalityDeletes,
      long liveRows) {
    /** The totals of a table without commits. */
    public static final Totals EMPTY = new Totals(0, 0, 0, 0, 0, 0, 0, 0);
  }
}
