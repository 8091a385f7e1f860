package io.lakestream.iceberg;

import io.lakestream.catalog.CommitMetadata;
import io.lakestream.core.spec.WriterId;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.iceberg.BaseTable;
import org.apache.iceberg.ExpireSnapshots;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableOperations;
import org.apache.iceberg.util.SnapshotUtil;

/**
 * Where a table records the checkpoints its writers committed, and how that survives snapshot
 * expiry.
 *
 * <ul>
 *   <li>A writer's last checkpoint on a branch is the newest snapshot recording it ({@link
 *       CommitMetadata}) among the branch head's ancestors that the table still has; the walk stops
 *       at the first expired ancestor.
 *   <li>When the walk finds none, the table property {@link CommitMetadata#lastCheckpointProperty}
 *       carries it: snapshot expiry writes {@link #carriedForward} for the very metadata it expires
 *       snapshots from, in the same commit, so the property holds every writer's last checkpoint
 *       whose snapshot expiry may remove.
 * </ul>
 */
public final class CheckpointHistory {

  private CheckpointHistory() {}

  /**
   * Expires snapshots of {@code table} like {@link Table#expireSnapshots()}, and in the same commit
   * sets {@link #carriedForward} of the metadata the expiry replaces, so every writer's last
   * checkpoint stays findable by {@link #lastCommitted} whatever the expiry removes.
   *
   * @param table a table loaded from a catalog (its operations are reachable)
   */
  public static ExpireSnapshots expireSnapshots(Table table) {
    TableOperations ops = ((HasTableOperations) table).operations();
    TableOperations carrying =
        GuardedTableOperations.completing(
            ops,
            (base, expired) -> {
              Map<String, String> carried = carriedForward(base);
              carried
                  .entrySet()
                  .removeIf(e -> e.getValue().equals(expired.property(e.getKey(), null)));
              return carried.isEmpty()
                  ? expired
                  : TableMetadata.buildFrom(expired).setProperties(carried).build();
            });
    return new BaseTable(carrying, table.name()).expireSnapshots();
  }

  /**
   * The last checkpoint {@code writer} committed to {@code branch}; empty if it never committed.
   *
   * @param branch the branch; the main line's head when it does not exist yet
   * @throws IllegalArgumentException if the writer's commit entries or property are malformed
   */
  public static Optional<CommitMetadata.Checkpoint> lastCommitted(
      TableMetadata metadata, WriterId writer, String branch) {
    for (Snapshot s = SnapshotUtil.latestSnapshot(metadata, branch);
        s != null;
        s = s.parentId() == null ? null : metadata.snapshot(s.parentId())) {
      Optional<CommitMetadata.Checkpoint> recorded =
          CommitMetadata.fromCommitEntries(s.summary(), writer);
      if (recorded.isPresent()) {
        return recorded;
      }
    }
    return CommitMetadata.lastCheckpoint(metadata.properties(), writer, branch);
  }

  /**
   * The table properties carrying the last checkpoint of every writer that committed to any branch
   * of {@code metadata}: what snapshot expiry sets in the commit that expires snapshots from this
   * metadata. Writers whose commits have all expired already keep the property they have.
   */
  public static Map<String, String> carriedForward(TableMetadata metadata) {
    Set<String> branches = new LinkedHashSet<>();
    branches.add(SnapshotRef.MAIN_BRANCH);
    metadata.refs().forEach((name, ref) -> branches.add(name));
    branches.removeIf(name -> metadata.ref(name) != null && !metadata.ref(name).isBranch());
    Map<String, String> properties = new HashMap<>();
    for (String branch : branches) {
      Set<WriterId> writers = new LinkedHashSet<>();
      for (Snapshot s = SnapshotUtil.latestSnapshot(metadata, branch);
          s != null;
          s = s.parentId() == null ? null : metadata.snapshot(s.parentId())) {
        CommitMetadata.fromCommitEntries(s.summary()).ifPresent(c -> writers.add(c.writer()));
      }
      for (WriterId writer : writers) {
        lastCommitted(metadata, writer, branch)
            .ifPresent(
                c ->
                    properties.put(
                        CommitMetadata.lastCheckpointProperty(writer, branch),
                        CommitMetadata.encodeLastCheckpoint(c)));
      }
    }
    return properties;
  }
}
