package io.lakestream.hudi;

import io.lakestream.catalog.CommitMetadata;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hudi.common.model.HoodieCommitMetadata;
import org.apache.hudi.common.table.HoodieTableMetaClient;
import org.apache.hudi.common.table.timeline.HoodieInstant;
import org.apache.hudi.common.table.timeline.HoodieTimeline;

/**
 * The timeline of a Hudi table as lakestream sees it: each instant with the lakestream checkpoint
 * it records, if any. Values are plain Java values, so no Hudi type leaves the module.
 */
public final class HudiTableInspection {
  private final HoodieTableMetaClient meta;

  /** Loads the active timeline of the table at {@code basePath}. */
  public HudiTableInspection(String basePath) {
    this(basePath, Map.of());
  }

  /**
   * Loads the active timeline of the table at {@code basePath} in storage reached with {@code
   * storage}, the keys of {@code sink.hudi.storage}.
   */
  public HudiTableInspection(String basePath, Map<String, String> storage) {
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

  /** The instants that are requested or inflight. */
  public List<Instant> pending() {
    return instants().stream().filter(i -> !i.state().equals("COMPLETED")).toList();
  }
}
