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
 * holds its state, with the same number of keyed tasks, and state snapshots no retained checkpoint
 * refers to are dropped.
 */
final class StateResume {
  private static final Logger LOG = LoggerFactory.getLogger(StateResume.class);

  private StateResume() {}

  /** Refuses to resume without the state the recovered positions need. */
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
    for (String owner : recovery.state().keySet()) {
      if (isSourceState(owner)) {
        continue;
      }
      int index = Integer.parseInt(owner.substring(owner.lastIndexOf('-') + 1));
      if (index >= spec.parallelism()) {
        throw new PipelineException(
            "The checkpoint holds state of task "
                + owner
                + ", but parallelism is now "
                + spec.parallelism()
                + ": the parallelism of a stateful pipeline cannot change while it has state");
      }
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
