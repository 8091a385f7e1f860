package io.lakestream.compaction;

import io.lakestream.iceberg.CheckpointHistory;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Expires snapshots older than a given age, keeping the newest {@code retainLast} of every branch,
 * and deletes the files only they reference.
 *
 * <p>Recovery keeps working: the expiry commit records every writer's last committed checkpoint and
 * source positions in table properties ({@link CheckpointHistory#expireSnapshots}), derived from
 * exactly the metadata the commit replaces, so a writer's last checkpoint is findable even when its
 * snapshot is gone. Pending manifests are no snapshot's files and are never touched.
 */
public final class ExpireSnapshots implements MaintenanceAction {
  private static final Logger LOG = LoggerFactory.getLogger(ExpireSnapshots.class);

  private final Duration olderThan;
  private final int retainLast;
  private final Clock clock;

  /**
   * @param olderThan expire snapshots older than this ({@link Duration#ZERO}: all but the retained)
   * @param retainLast keep at least this many newest snapshots of every branch, at least 1
   * @throws IllegalArgumentException if {@code olderThan} is negative or {@code retainLast} below 1
   */
  public ExpireSnapshots(Duration olderThan, int retainLast, Clock clock) {
    if (olderThan.isNegative()) {
      throw new IllegalArgumentException("older-than must not be negative: " + olderThan);
    }
    if (retainLast < 1) {
      throw new IllegalArgumentException("retain-last must be at least 1: " + retainLast);
    }
    this.olderThan = olderThan;
    this.retainLast = retainLast;
    this.clock = clock;
  }

  @Override
  public String name() {
    return "expire-snapshots";
  }

  @Override
  public ActionResult run(Table table, boolean dryRun, Consumer<String> progress) {
    long start = clock.millis();
    table.refresh();
    AtomicLong filesRemoved = new AtomicLong();
    org.apache.iceberg.ExpireSnapshots expire =
        CheckpointHistory.expireSnapshots(table)
            .expireOlderThan(start - olderThan.toMillis())
            .retainLast(retainLast)
            .deleteWith(
                path -> {
                  table.io().deleteFile(path);
                  filesRemoved.incrementAndGet();
                });
    long expired = 0;
    long skipped = 0;
    if (dryRun) {
      expired = expire.apply().size();
    } else {
      Set<Long> before = snapshotIds(table.snapshots());
      try {
        expire.commit();
        table.refresh();
        before.removeAll(snapshotIds(table.snapshots()));
        expired = before.size();
      } catch (CommitFailedException e) {
        // writers kept committing through all of Iceberg's retries; the next run expires them
        LOG.warn("Skipped expiring snapshots of table {}: {}", table.name(), e.getMessage());
        skipped = 1;
      }
    }
    progress.accept(name() + " " + table.name() + ": " + expired + " snapshots");
    Map<String, Long> counts = new LinkedHashMap<>();
    counts.put("snapshots-expired", expired);
    counts.put("files-removed", filesRemoved.get());
    counts.put("commits-skipped", skipped);
    return new ActionResult(
        name(), table.name(), dryRun, counts, Duration.ofMillis(clock.millis() - start));
  }

  private static Set<Long> snapshotIds(Iterable<Snapshot> snapshots) {
    Set<Long> ids = new HashSet<>();
    snapshots.forEach(s -> ids.add(s.snapshotId()));
    return ids;
  }
}
