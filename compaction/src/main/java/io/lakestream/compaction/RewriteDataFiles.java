package io.lakestream.compaction;

import io.lakestream.core.error.PipelineException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.iceberg.ContentFile;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.RewriteFiles;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableUtil;
import org.apache.iceberg.actions.BinPackRewriteFilePlanner;
import org.apache.iceberg.actions.FileRewritePlan;
import org.apache.iceberg.actions.RewriteDataFiles.FileGroupInfo;
import org.apache.iceberg.actions.RewriteFileGroup;
import org.apache.iceberg.actions.SizeBasedFileRewritePlanner;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bin-packs small data files, and files with many deletes, into files of a target size per
 * partition, applying their equality and position deletes ({@link BinPackRewriteFilePlanner} plans
 * the groups).
 *
 * <ul>
 *   <li>Each group commits on its own ({@link RewriteFiles}) so that what is done stays done when a
 *       later group fails.
 *   <li>The new files take the sequence number of the snapshot the rewrite started from, and the
 *       commit validates from that snapshot: equality deletes a writer commits meanwhile still
 *       apply to the new files and do not conflict; a position delete committed meanwhile against a
 *       rewritten file makes that group's commit fail validation, and the group is skipped (its new
 *       files deleted) while the others go on. Iceberg retries commits that lose a plain race.
 *   <li>When the catalog cannot say whether a group's commit happened, nothing is cleaned up and
 *       the action stops with the error.
 * </ul>
 */
public final class RewriteDataFiles implements MaintenanceAction {
  private static final Logger LOG = LoggerFactory.getLogger(RewriteDataFiles.class);

  private final Map<String, String> plannerOptions;
  private final Clock clock;

  /**
   * @param targetFileSizeBytes the size to bin-pack to, or 0 for the table's {@code
   *     write.target-file-size-bytes}
   * @param minInputFiles the fewest files a group of one partition must have to be rewritten
   * @param deleteFileThreshold rewrite any file that this many delete files apply to, however big
   */
  public RewriteDataFiles(
      long targetFileSizeBytes, int minInputFiles, int deleteFileThreshold, Clock clock) {
    Map<String, String> options = new LinkedHashMap<>();
    if (targetFileSizeBytes > 0) {
      options.put(
          SizeBasedFileRewritePlanner.TARGET_FILE_SIZE_BYTES, Long.toString(targetFileSizeBytes));
    }
    options.put(SizeBasedFileRewritePlanner.MIN_INPUT_FILES, Integer.toString(minInputFiles));
    options.put(
        BinPackRewriteFilePlanner.DELETE_FILE_THRESHOLD, Integer.toString(deleteFileThreshold));
    this.plannerOptions = Map.copyOf(options);
    this.clock = clock;
  }

  @Override
  public String name() {
    return "rewrite-data-files";
  }

  @Override
  public ActionResult run(Table table, boolean dryRun, Consumer<String> progress) {
    long start = clock.millis();
    table.refresh();
    Snapshot from = table.currentSnapshot();
    Counts counts = new Counts();
    if (from != null) {
      BinPackRewriteFilePlanner planner =
          new BinPackRewriteFilePlanner(table, Expressions.alwaysTrue(), from.snapshotId(), false);
      planner.init(plannerOptions);
      FileRewritePlan<FileGroupInfo, FileScanTask, DataFile, RewriteFileGroup> plan =
          planner.plan();
      int total = plan.totalGroupCount();
      try (CloseableIterable<RewriteFileGroup> groups = plan.groups()) {
        int index = 0;
        for (RewriteFileGroup group : groups) {
          index++;
          if (dryRun) {
            counts.planned(group);
          } else {
            rewrite(table, from, group, counts);
          }
          progress.accept(
              String.format(
                  "%s %s: group %d of %d (partition %s): %d files, %d bytes",
                  name(),
                  table.name(),
                  index,
                  total,
                  group.info().partition(),
                  group.inputFileNum(),
                  group.inputFilesSizeInBytes()));
        }
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot plan the rewrite of table " + table.name(), e);
      }
    }
    return new ActionResult(
        name(), table.name(), dryRun, counts.asMap(), Duration.ofMillis(clock.millis() - start));
  }

  private void rewrite(Table table, Snapshot from, RewriteFileGroup group, Counts counts) {
    FileGroupRewriter rewriter = new FileGroupRewriter(table);
    List<DataFile> added;
    try {
      added = rewriter.write(group);
    } catch (FileGroupRewriter.UnsupportedGroup e) {
      LOG.warn("Skipped a file group of table {}: {}", table.name(), e.getMessage());
      counts.skipped++;
      return;
    }
    RewriteFiles rewrite = table.newRewrite().validateFromSnapshot(from.snapshotId());
    if (TableUtil.formatVersion(table) >= 2) {
      rewrite.dataSequenceNumber(from.sequenceNumber());
    }
    group.rewrittenFiles().forEach(rewrite::deleteFile);
    added.forEach(rewrite::addFile);
    try {
      rewrite.commit();
    } catch (ValidationException | CommitFailedException e) {
      // a writer changed these files meanwhile (a position delete) or kept winning the race
      LOG.warn(
          "Skipped a file group of table {} (partition {}): {}",
          table.name(),
          group.info().partition(),
          e.getMessage());
      rewriter.delete(added);
      counts.skipped++;
      return;
    } catch (CommitStateUnknownException e) {
      throw new PipelineException(
          "Cannot tell whether a rewrite of table "
              + table.name()
              + " committed ("
              + e.getMessage()
              + "); its new files are kept. Run maintain again: what the table holds decides, and"
              + " remove-orphan-files later deletes the files if it did not commit",
          e);
    }
    counts.rewritten(group, added);
  }

  /** What the action counts. */
  private static final class Counts {
    long groups;
    long skipped;
    long filesRewritten;
    long bytesRewritten;
    long filesAdded;
    long bytesAdded;
    final Set<String> deleteFiles = new HashSet<>();

    void planned(RewriteFileGroup group) {
      groups++;
      filesRewritten += group.inputFileNum();
      bytesRewritten += group.inputFilesSizeInBytes();
      deletesOf(group);
    }

    void rewritten(RewriteFileGroup group, List<DataFile> added) {
      planned(group);
      filesAdded += added.size();
      bytesAdded += added.stream().mapToLong(ContentFile::fileSizeInBytes).sum();
    }

    private void deletesOf(RewriteFileGroup group) {
      for (FileScanTask task : group.fileScanTasks()) {
        for (DeleteFile d : task.deletes()) {
          deleteFiles.add(d.location());
        }
      }
    }

    Map<String, Long> asMap() {
      Map<String, Long> map = new LinkedHashMap<>();
      map.put("groups-rewritten", groups);
      map.put("groups-skipped", skipped);
      map.put("files-rewritten", filesRewritten);
      map.put("bytes-rewritten", bytesRewritten);
      map.put("files-added", filesAdded);
      map.put("bytes-added", bytesAdded);
      map.put("delete-files-applied", (long) deleteFiles.size());
      return map;
    }
  }
}
