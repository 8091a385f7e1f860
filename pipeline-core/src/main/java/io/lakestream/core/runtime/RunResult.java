package io.lakestream.core.runtime;

import java.time.Duration;

/**
 * How a run ended.
 *
 * @param checkpoints checkpoints committed during the run
 * @param lastCheckpointId the newest checkpoint committed, or 0
 * @param metrics the pipeline's counters at the end
 * @param elapsed wall time of the run
 * @param failure why the run stopped on a bad record under the {@code fail} policy, or null
 */
public record RunResult(
    long checkpoints,
    long lastCheckpointId,
    PipelineMetrics.Snapshot metrics,
    Duration elapsed,
    RecordFailure failure) {

  public boolean succeeded() {
    return failure == null;
  }
}
