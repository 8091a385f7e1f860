package io.lakestream.core.runtime;

/**
 * Told when a checkpoint passes each phase boundary of the commit protocol. Used for progress
 * reporting and by crash tests, which stop the process at a boundary and kill it there.
 */
public interface PhaseListener {

  /** Phase boundaries, in protocol order. */
  enum Phase {
    /** Every task has recorded positions and prepared its committables. */
    PREPARED,
    /** The checkpoint is durable in the checkpoint directory. */
    PERSISTED,
    /** Every table has committed the checkpoint; sources are not yet acknowledged. */
    COMMITTED,
    /** Sources are acknowledged. */
    ACKNOWLEDGED
  }

  PhaseListener NONE = (phase, checkpointId) -> {};

  void reached(Phase phase, long checkpointId);
}
