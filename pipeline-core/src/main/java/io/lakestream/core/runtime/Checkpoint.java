package io.lakestream.core.runtime;

import io.lakestream.core.sink.Committable;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A persisted checkpoint: where every source split stood and what every table must commit for it.
 *
 * @param pipelineId the pipeline it belongs to
 * @param id the checkpoint id, increasing by one per checkpoint
 * @param createdAtMillis when it was taken, epoch millis
 * @param positions source position after the last record included, by split id ({@code
 *     topic:partition})
 * @param committables what each table commits for this checkpoint, by table name
 * @param state every task's state, by owner (empty for a pipeline without stateful steps)
 * @param keyGroups how many key groups the keyed state is split into; 0 when there is none, or when
 *     it was written before key groups, split among the tasks by {@code hash % parallelism}
 * @param stateKeys the keys of each keyed task's state, by owner, as the state store estimates
 *     them; empty without keyed state or when written before key counts were recorded
 */
public record Checkpoint(
    String pipelineId,
    long id,
    long createdAtMillis,
    Map<String, Long> positions,
    Map<String, List<Committable>> committables,
    Map<String, byte[]> state,
    int keyGroups,
    Map<String, Long> stateKeys) {
  public Checkpoint {
    Objects.requireNonNull(pipelineId, "pipelineId");
    positions = Map.copyOf(positions);
    committables = Map.copyOf(committables);
    state = Map.copyOf(state);
    stateKeys = Map.copyOf(stateKeys);
  }

  /** A checkpoint that records no key counts. */
  public Checkpoint(
      String pipelineId,
      long id,
      long createdAtMillis,
      Map<String, Long> positions,
      Map<String, List<Committable>> committables,
      Map<String, byte[]> state,
      int keyGroups) {
    this(pipelineId, id, createdAtMillis, positions, committables, state, keyGroups, Map.of());
  }

  /** What {@code table} commits for this checkpoint; empty if it wrote nothing. */
  public List<Committable> committablesFor(String table) {
    return committables.getOrDefault(table, List.of());
  }
}
