package io.lakestream.core.runtime;

import io.lakestream.core.sink.Committable;
import java.util.List;
import java.util.Map;

/**
 * What one task hands the coordinator at a barrier.
 *
 * @param taskId the task
 * @param checkpointId the barrier's checkpoint
 * @param positions position after the last record included, by split id
 * @param committables what the task's writers prepared, by table
 * @param state the task's state for this checkpoint, by owner: a keyed task's state snapshot
 *     handle, a source task's event-time progress per split
 * @param finished the task has reached the end of its input (bounded runs)
 * @param failure the bad record that stopped the task, or null
 * @param stateKeys the keys of the task's keyed state as of this snapshot, by owner (an estimate,
 *     see {@link io.lakestream.core.state.StateStore#keyCount}); empty for a source task
 */
public record TaskSnapshot(
    int taskId,
    long checkpointId,
    Map<String, Long> positions,
    Map<String, List<Committable>> committables,
    Map<String, byte[]> state,
    boolean finished,
    RecordFailure failure,
    Map<String, Long> stateKeys) {
  public TaskSnapshot {
    positions = Map.copyOf(positions);
    committables = Map.copyOf(committables);
    state = Map.copyOf(state);
    stateKeys = Map.copyOf(stateKeys);
  }

  /** A snapshot without keyed state. */
  public TaskSnapshot(
      int taskId,
      long checkpointId,
      Map<String, Long> positions,
      Map<String, List<Committable>> committables,
      Map<String, byte[]> state,
      boolean finished,
      RecordFailure failure) {
    this(taskId, checkpointId, positions, committables, state, finished, failure, Map.of());
  }
}
