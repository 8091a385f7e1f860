package io.lakestream.iceberg;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What {@code lakestream describe} shows about a table, as plain values.
 *
 * @param name the table, {@code namespace.name}
 * @param location the table's root location
 * @param formatVersion the Iceberg format version
 * @param columns the current schema's top-level columns
 * @param partitioning the partition spec in {@code partition-by} syntax, e.g. {@code
 *     day(event_time), bucket(16, user_id)}; {@code unpartitioned} when there is none
 * @param identifierFields the schema's identifier fields: the upsert key; empty for an append table
 * @param sortOrder the sort order, e.g. {@code event_time ASC NULLS FIRST}; {@code unsorted} when
 *     there is none
 * @param properties the table properties
 * @param snapshots the newest snapshots, newest first (at most the limit asked for)
 * @param snapshotCount how many snapshots the table keeps in all
 * @param totals the current snapshot's totals; zeros for a table without snapshots
 */
public record TableDescription(
    String name,
    String location,
    int formatVersion,
    List<Column> columns,
    String partitioning,
    List<String> identifierFields,
    String sortOrder,
    Map<String, String> properties,
    List<SnapshotInfo> snapshots,
    int snapshotCount,
    Totals totals) {

  public TableDescription {
    columns = List.copyOf(columns);
    identifierFields = List.copyOf(identifierFields);
    properties = Map.copyOf(properties);
    snapshots = List.copyOf(snapshots);
  }

  /**
   * One column.
   *
   * @param name the column name
   * @param type its type, e.g. {@code timestamptz}, {@code decimal(10, 2)}, {@code list<string>}
   * @param required whether it may not be null
   */
  public record Column(String name, String type, boolean required) {}

  /**
   * One snapshot (one commit).
   *
   * @param snapshotId the snapshot id
   * @param committedAt when it was committed
   * @param operation Iceberg's operation: append, overwrite, replace, delete
   * @param pipelineId the lakestream pipeline that committed it, or null
   * @param checkpointId the lakestream checkpoint it holds, or null
   * @param addedFiles data files it added
   * @param addedRecords rows it added
   * @param sourcePositions the source positions the commit recorded (after the last record it
   *     includes), by split id such as {@code orders:0}; empty for a commit without them
   */
  public record SnapshotInfo(
      long snapshotId,
      Instant committedAt,
      String operation,
      String pipelineId,
      Long checkpointId,
      long addedFiles,
      long addedRecords,
      Map<String, Long> sourcePositions) {
    public SnapshotInfo {
      sourcePositions = Map.copyOf(sourcePositions);
    }
  }

  /**
   * The table's current size.
   *
   * @param dataFiles live data files
   * @param records rows in the live data files, before deletes are applied
   * @param bytes bytes of live files, delete files included
   * @param positionDeleteFiles live position-delete files
   * @param equalityDeleteFiles live equality-delete files
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
    /** The totals of a table without snapshots. */
    public static final Totals EMPTY = new Totals(0, 0, 0, 0, 0, 0, 0, 0);
  }
}
