package io.lakestream.compaction;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotSummary;
import org.apache.iceberg.Table;

/**
 * Rewrites the data manifests of the current snapshot into as few as the table's {@code
 * commit.manifest.target-size-bytes} allows, one set per partition spec, so planning a scan opens
 * fewer files. Changes no data; Iceberg retries when a writer commits meanwhile.
 */
public final class RewriteManifests implements MaintenanceAction {
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
    long replaced = 0;
    long created = 0;
    if (dryRun || before <= 1) {
      replaced = before <= 1 ? 0 : before;
    } else {
      table.rewriteManifests().clusterBy(file -> file.specId()).commit();
      Map<String, String> summary = table.currentSnapshot().summary();
      replaced =
          Long.parseLong(summary.getOrDefault(SnapshotSummary.REPLACED_MANIFESTS_COUNT, "0"));
      created = Long.parseLong(summary.getOrDefault(SnapshotSummary.CREATED_MANIFESTS_COUNT, "0"));
    }
    progress.accept(name() + " " + table.name() + ": " + before + " data manifests");
    Map<String, Long> counts = new LinkedHashMap<>();
    counts.put("manifests-rewritten", replaced);
    counts.put("manifests-added", created);
    return new ActionResult(
        name(), table.name(), dryRun, counts, Duration.ofMillis(clock.millis() - start));
  }
}
