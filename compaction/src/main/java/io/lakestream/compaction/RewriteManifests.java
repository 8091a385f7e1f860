package io.lakestream.compaction;

import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.iceberg.ContentFile;
import org.apache.iceberg.DataOperations;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotSummary;
import org.apache.iceberg.Table;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rewrites the data manifests of the current snapshot into as few as the table's {@code
 * commit.manifest.target-size-bytes} allows, one set per partition spec, so planning a scan opens
 * fewer files. Changes no data. Iceberg retries when a writer commits meanwhile; when writers keep
 * winning through all retries, the action skips its commit and the next run tries again.
 */
public final class RewriteManifests implements MaintenanceAction {
  private static final Logger LOG = LoggerFactory.getLogger(RewriteManifests.class);

  private final Clock clock;

  public RewriteManifests(Clock clock) {
    this.clock = clock;
  }

  @Override
  public String name() {
    return "rewrite-manifests";
  }

  @Override
  public ActionResult run(Table table, boolean dryRun, Consumer<String> progress) {
    long start = clock.millis();
    table.refresh();
    Snapshot current = table.currentSnapshot();
    long before = current == null ? 0 : current.dataManifests(table.io()).size();
    Map<String, Long> counts = new LinkedHashMap<>();
    counts.put("manifests-rewritten", before > 1 ? before : 0L);
    counts.put("manifests-added", 0L);
    counts.put("commits-skipped", 0L);
    progress.accept(name() + " " + table.name() + ": " + before + " data manifests");
    if (!dryRun && before > 1) {
      Set<Long> earlier = new HashSet<>();
      table.snapshots().forEach(s -> earlier.add(s.snapshotId()));
      try {
        table.rewriteManifests().clusterBy(ContentFile::specId).commit();
        table.refresh();
        for (Snapshot s : table.snapshots()) {
          if (!earlier.contains(s.snapshotId()) && DataOperations.REPLACE.equals(s.operation())) {
            counts.put("manifests-rewritten", count(s, SnapshotSummary.REPLACED_MANIFESTS_COUNT));
            counts.put("manifests-added", count(s, SnapshotSummary.CREATED_MANIFESTS_COUNT));
          }
        }
      } catch (CommitFailedException e) {
        LOG.warn("Skipped rewriting the manifests of table {}: {}", table.name(), e.getMessage());
        counts.put("manifests-rewritten", 0L);
        counts.put("commits-skipped", 1L);
      }
    }
    return new ActionResult(
        name(), table.name(), dryRun, counts, Duration.ofMillis(clock.millis() - start));
  }

  private static long count(Snapshot snapshot, String key) {
    return Long.parseLong(snapshot.summary().getOrDefault(key, "0"));
  }
}
