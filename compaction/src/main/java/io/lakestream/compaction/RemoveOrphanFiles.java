package io.lakestream.compaction;

import io.lakestream.core.error.PipelineException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.FileInfo;
import org.apache.iceberg.io.SupportsPrefixOperations;

/**
 * Deletes files under the table's location that the table does not reference and that are older
 * than a given age.
 *
 * <ul>
 *   <li>Never deleted: anything the table's metadata references ({@link ReachableFiles}); a pending
 *       manifest of a lakestream checkpoint, whatever its age, and every file it lists, because a
 *       persisted checkpoint will commit them; and anything younger than {@code olderThan}, which
 *       covers the files a live writer is still writing and those of commits in flight.
 *   <li>Order matters: the directory is listed first, then the pending manifests are read, then the
 *       table's metadata. A checkpoint that commits meanwhile moves its files from a pending
 *       manifest into the metadata, which is read after, so they are seen in one place or the
 *       other.
 *   <li>Files outside the table's location (a custom {@code write.data.path}) are not looked at.
 * </ul>
 */
public final class RemoveOrphanFiles implements MaintenanceAction {
  /** Three days, as Iceberg's own orphan removal: far longer than any checkpoint interval. */
  public static final Duration DEFAULT_OLDER_THAN = Duration.ofDays(3);

  private final Duration olderThan;
  private final Clock clock;

  /**
   * @param olderThan only files last modified longer ago than this are deleted
   * @throws IllegalArgumentException if {@code olderThan} is negative
   */
  public RemoveOrphanFiles(Duration olderThan, Clock clock) {
    if (olderThan.isNegative()) {
      throw new IllegalArgumentException("older-than must not be negative: " + olderThan);
    }
    this.olderThan = olderThan;
    this.clock = clock;
  }

  @Override
  public String name() {
    return "remove-orphan-files";
  }

  @Override
  public ActionResult run(Table table, boolean dryRun, Consumer<String> progress) {
    long start = clock.millis();
    long cutoff = start - olderThan.toMillis();
    if (!(table.io() instanceof SupportsPrefixOperations io)) {
      throw new PipelineException(
          "Cannot list the files of table "
              + table.name()
              + ": its FileIO "
              + table.io().getClass().getName()
              + " cannot list a location; configure the catalog with an io-impl that can (e.g."
              + " org.apache.iceberg.hadoop.HadoopFileIO or org.apache.iceberg.aws.s3.S3FileIO)");
    }
    List<FileInfo> listed = new ArrayList<>();
    io.listPrefix(table.location()).forEach(listed::add);
    progress.accept(name() + " " + table.name() + ": listed " + listed.size() + " files");

    ReachableFiles reachable = new ReachableFiles();
    for (FileInfo file : listed) {
      if (ReachableFiles.isPendingManifest(file.location())) {
        reachable.addPendingManifest(io, file.location());
      }
    }
    table.refresh();
    reachable.addTable(table);

    long removed = 0;
    long bytes = 0;
    for (FileInfo file : listed) {
      if (file.createdAtMillis() < cutoff && !reachable.contains(file.location())) {
        if (!dryRun) {
          io.deleteFile(file.location());
        }
        removed++;
        bytes += file.size();
      }
    }
    Map<String, Long> counts = new LinkedHashMap<>();
    counts.put("files-listed", (long) listed.size());
    counts.put("files-removed", removed);
    counts.put("bytes-removed", bytes);
    return new ActionResult(
        name(), table.name(), dryRun, counts, Duration.ofMillis(clock.millis() - start));
  }
}
