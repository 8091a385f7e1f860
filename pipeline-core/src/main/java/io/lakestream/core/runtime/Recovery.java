package io.lakestream.core.runtime;

import java.util.Map;

/**
 * Where a pipeline resumes after recovery.
 *
 * @param nextCheckpointId the id the next checkpoint takes
 * @param positions where each split recorded anywhere resumes; a split not listed starts by the
 *     source's start rule
 * @param floors by table, by split: records below are already in that table and are skipped for it
 * @param state the tasks' state of the recovered checkpoint, by owner; empty without one
 * @param keyGroups the key groups that state is split into, as {@link Checkpoint#keyGroups}
 */
public record Recovery(
    long nextCheckpointId,
    Map<String, Long> positions,
    Map<String, Map<String, Long>> floors,
    Map<String, byte[]> state,
    int keyGroups) {
  public Recovery {
    positions = Map.copyOf(positions);
    floors = Map.copyOf(floors);
    state = Map.copyOf(state);
  }
}
