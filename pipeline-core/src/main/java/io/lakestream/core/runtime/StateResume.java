package io.lakestream.core.runtime;

import io.lakestream.core.error.PipelineException;
import io.lakestream.core.spec.PipelineSpec;
import io.lakestream.core.state.StateBackend;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rules of a stateful pipeline's state across runs: it resumes only from a checkpoint that
 * holds its state, over the key groups that wrote it (any parallelism; {@link KeyedState} moves the
 * state), and state snapshots no retained checkpoint refers to are dropped.
 */
final class StateResume {
  private static final Logger LOG = LoggerFactory.getLogger(StateResume.class);

  private StateResume() {}

  /** Refuses to resume without the state the recovered positions need, or over other key groups. */
  static void check(PipelineSpec spec, Recovery recovery) {
    boolean hasKeyedState = recovery.state().keySet().stream().anyMatch(k -> !isSourceState(k));
    if (!hasKeyedState && !recovery.positions().isEmpty()) {
      throw new PipelineException(
          "Pipeline "
              + spec.pipeline()
              + " keeps state (dedupe or window), but "
              + spec.checkpoint().dir()
              + " holds no checkpoint while its tables record positions. Resuming without the"
              + " state would write wrong results: restore the checkpoint directory, or start"
              + " over with a new pipeline id and new tables.");
    }
    int stored = recovery.keyGroups();
    if (stored != 0 && stored != spec.state().keyGroups()) {
      throw new PipelineException(
          "The checkpoint in "
              + spec.checkpoint().dir()
              + " holds state split into "
              + stored
              + " key groups, but state.key-groups is now "
              + spec.state().keyGroups()
              + ": the number of key groups is fixed for the life of a pipeline. Set"
              + " state.key-groups: "
              + stored
              + ", or start over with a new pipeline id and new tables.");
    }
  }

  /** Drops state snapshots that no checkpoint in the store refers to any more. */
  static void retain(StateBackend state, CheckpointStore store) {
    if (state == null) {
      return;
    }
    List<byte[]> live = new ArrayList<>();
    for (Checkpoint cp : store.retained()) {
      cp.state()
          .forEach(
              (owner, handle) -> {
                if (!isSourceState(owner)) {
                  live.add(handle);
                }
              });
    }
    try {
      state.retainOnly(live);
    } catch (IOException e) {
      LOG.warn("Cannot delete old state snapshots in {}", store.dir(), e);
    }
  }

  /** A source task's state (event-time progress per split), not a keyed task's. */
  private static boolean isSourceState(String owner) {
    return owner.startsWith("split:");
  }
}
