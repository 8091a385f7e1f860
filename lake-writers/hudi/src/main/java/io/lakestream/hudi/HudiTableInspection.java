package io.lakestream.hudi;

import io.lakestream.catalog.CommitMetadata;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hudi.common.engine.HoodieLocalEngineContext;
import org.apache.hudi.common.model.FileSlice;
import org.apache.hudi.common.model.HoodieCommitMetadata;
import org.apache.hudi.common.model.HoodieFileGroup;
import org.apache.hudi.common.table.HoodieTableMetaClient;
import org.apache.hudi.common.table.timeline.HoodieInstant;
import org.apache.hudi.common.table.timeline.HoodieTimeline;
import org.apache.hudi.common.table.view.HoodieTableFileSystemView;

/**
 * The timeline of a Hudi table as lakestream sees it: each instant with the lakestream checkpoint
 * it records, if any. Values are plain Java values, so no Hudi type leaves the module.
 */
public final class HudiTableInspection {
  private final HoodieTableMetaClient meta;
  private final Map<String, String> storage;

  /** Loads the active timeline of the table at {@code basePath}. */
  public HudiTableInspection(String basePath) {
    this(basePath, Map.of());
  }

  /**
   * Loads the active timeline of the table at {@code basePath} in storage reached with {@code
   * storage}, the keys of {@code sink.hudi.storage}.
   */
  public HudiTableInspection(String basePath, Map<String, String> storage) {
    this.storage = Map.copyOf(storage);
    this.meta =
        HoodieTableMetaClient.builder()
            .setConf(HudiTable.storageConf(storage))
            .setBasePath(basePath)
            .setLoadActiveTimelineOnLoad(true)
            .build();
  }

  /**
   * One instant of the active timeline.
   *
   * @param time the instant's requested time
   * @param action {@code commit}, {@code deltacommit}, {@code compaction}, {@code clean}, ...
   * @param state {@code REQUESTED}, {@code INFLIGHT} or {@code COMPLETED}
   * @param pipeline the lakestream pipeline that committed it, or null
   * @param checkpointId the lakestream checkpoint it records, or null
   */
  public record Instant(
      String time, String action, String state, String pipeline, Long checkpointId) {}

  /** Every instant of the active timeline, oldest first. */
  public List<Instant> instants() {
    HoodieTimeline timeline = meta.getActiveTimeline();
    List<Instant> instants = new ArrayList<>();
    for (HoodieInstant i : timeline.getInstants()) {
      Optional<CommitMetadata.Checkpoint> recorded = Optional.empty();
      if (i.isCompleted() && meta.getCommitsTimeline().containsInstant(i)) {
        try {
          HoodieCommitMetadata metadata = timeline.readCommitMetadata(i);
          recorded = CommitMetadata.fromCommitEntries(metadata.getExtraMetadata());
        } catch (IOException e) {
          throw new UncheckedIOException("Cannot read instant " + i, e);
        }
      }
      instants.add(
          new Instant(
              i.requestedTime(),
              i.getAction(),
              i.getState().name(),
              recorded.map(c -> c.writer().pipeline()).orElse(null),
              recorded.map(CommitMetadata.Checkpoint::checkpointId).orElse(null)));
    }
    return instants;
  }

  /** The lakestream checkpoint ids the completed instants record, oldest first. */
  public List<Long> checkpoints() {
    return instants().stream()
        .map(Instant::checkpointId)
        .filter(java.util.Objects::nonNull)
        .toList();
  }

  /**
   * The file slices of the completed timeline, as Hudi's file system view groups them.
   *
   * @param fileGroups file groups
   * @param fileGroupsWithLogs file groups whose latest slice has log files (what compaction merges)
   * @param logFiles log files of latest slices
   * @param bytesOfGroupsWithLogs the size of the latest slices that have log files
   * @param olderSliceFiles files of slices that are not the latest of their file group (what
   *     cleaning may remove)
   * @param olderSliceBytes their size
   */
  public record Slices(
      int fileGroups,
      int fileGroupsWithLogs,
      int logFiles,
      long bytesOfGroupsWithLogs,
      int olderSliceFiles,
      long olderSliceBytes) {}

  /** The file slices of the table's completed instants. */
  public Slices latestSlices() {
    HoodieTimeline completed = meta.getCommitsAndCompactionTimeline().filterCompletedInstants();
    int groups = 0;
    int withLogs = 0;
    int logs = 0;
    long bytesWithLogs = 0;
    int older = 0;
    long olderBytes = 0;
    try (HoodieTableFileSystemView view =
        HoodieTableFileSystemView.fileListingBasedFileSystemView(
            new HoodieLocalEngineContext(HudiTable.storageConf(storage)), meta, completed)) {
      for (String partition :
          HudiSnapshotReader.partitions(meta.getBasePath().toString(), storage)) {
        for (HoodieFileGroup group :
            (Iterable<HoodieFileGroup>) view.getAllFileGroups(partition)::iterator) {
          groups++;
          List<FileSlice> slices = group.getAllFileSlices().toList(); // newest first
          if (slices.isEmpty()) {
            continue;
          }
          FileSlice latest = slices.get(0);
          if (latest.hasLogFiles()) {
            withLogs++;
            logs += latest.getLogFileCnt();
            bytesWithLogs += latest.getTotalFileSize();
          }
          for (FileSlice slice : slices.subList(1, slices.size())) {
            older += slice.getAllFileNames().size();
            olderBytes += slice.getTotalFileSize();
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list the file slices of " + meta.getBasePath(), e);
    }
    return new Slices(groups, withLogs, logs, bytesWithLogs, older, olderBytes);
  }

  /** The instants that are requested or inflight. */
  public List<Instant> pending() {
    return instants().stream().filter(i -> !i.state().equals("COMPLETED")).toList();
  }
}
