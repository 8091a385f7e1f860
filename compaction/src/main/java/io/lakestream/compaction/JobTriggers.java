package io.lakestream.compaction;

import io.lakestream.core.spec.MaintenanceSpec.Job;
import io.lakestream.core.spec.MaintenanceSpec.Triggers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.apache.iceberg.DataOperations;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.util.PropertyUtil;
import org.apache.iceberg.util.SnapshotUtil;

/**
 * Decides whether a job's triggers fire on a table, from the table's metadata alone: its snapshots
 * for {@code every-commits}, its current files for {@code small-files} and {@code delete-files}.
 */
final class JobTriggers {
  /** Below this share of the target size a data file is small (Iceberg's rewrite default). */
  private static final double SMALL = 0.75;

  private JobTriggers() {}

  /**
   * Why the job is due on the table, or empty if no trigger fires.
   *
   * @param since when the job last ran on the table, or when the scheduler started if it never did
   * @param lastRun when the job last ran on the table, or null if it never did
   */
  static Optional<String> firedBy(
      Job job, Table table, Instant now, Instant since, Instant lastRun) {
    Triggers t = job.triggers();
    if (t.cron() != null && !t.cron().next(since).isAfter(now)) {
      return Optional.of("cron \"" + t.cron() + "\" (due at " + t.cron().next(since) + ")");
    }
    if (t.everyCommits() != null) {
      int commits = commitsSince(table, lastRun, t.everyCommits());
      if (commits >= t.everyCommits()) {
        return Optional.of(commits + " commits since the last run");
      }
    }
    if (t.smallFiles() != null || t.deleteFiles() != null) {
      long small = (long) (SMALL * targetFileSize(job, table));
      Set<String> smallFiles = new HashSet<>();
      Set<String> deleteFiles = new HashSet<>();
      try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
        for (FileScanTask task : tasks) {
          if (task.file().fileSizeInBytes() < small) {
            smallFiles.add(task.file().location());
          }
          task.deletes().forEach(d -> deleteFiles.add(d.location()));
        }
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot plan a scan of table " + table.name(), e);
      }
      if (t.smallFiles() != null && smallFiles.size() >= t.smallFiles()) {
        return Optional.of(smallFiles.size() + " small data files");
      }
      if (t.deleteFiles() != null && deleteFiles.size() >= t.deleteFiles()) {
        return Optional.of(deleteFiles.size() + " delete files");
      }
    }
    return Optional.empty();
  }

  /**
   * Commits of the current snapshot's history after {@code lastRun} (all if null) that are not
   * maintenance's own rewrites, counting no further than {@code enough}.
   */
  private static int commitsSince(Table table, Instant lastRun, int enough) {
    table.refresh();
    Snapshot current = table.currentSnapshot();
    if (current == null) {
      return 0;
    }
    int commits = 0;
    for (Snapshot s : SnapshotUtil.ancestorsOf(current.snapshotId(), table::snapshot)) {
      if ((lastRun != null && s.timestampMillis() <= lastRun.toEpochMilli()) || commits >= enough) {
        break;
      }
      if (!DataOperations.REPLACE.equals(s.operation())) {
        commits++;
      }
    }
    return commits;
  }

  private static long targetFileSize(Job job, Table table) {
    return job.options().targetFileSize() > 0
        ? job.options().targetFileSize()
        : PropertyUtil.propertyAsLong(
            table.properties(),
            TableProperties.WRITE_TARGET_FILE_SIZE_BYTES,
            TableProperties.WRITE_TARGET_FILE_SIZE_BYTES_DEFAULT);
  }
}
