package io.lakestream.core.runtime;

import java.util.EnumSet;
import java.util.Set;

/**
 * Where a run of a pipeline is, and where it may go from there:
 *
 * <pre>
 * CREATED ──run()──► RECOVERING ──► RUNNING ──stop() / end of input──► STOPPING ──► STOPPED
 *                         │             │                                  │
 *                         └─────────────┴──────── error ──────────────────┴──► FAILED
 * </pre>
 *
 * A stop asked for before the pipeline runs ends it in STOPPED from RECOVERING.
 */
public enum PipelineState {
  CREATED,
  RECOVERING,
  RUNNING,
  STOPPING,
  STOPPED,
  FAILED;

  /** The states this one may move to. */
  public Set<PipelineState> next() {
    return switch (this) {
      case CREATED -> EnumSet.of(RECOVERING);
      case RECOVERING -> EnumSet.of(RUNNING, STOPPED, FAILED);
      case RUNNING -> EnumSet.of(STOPPING, STOPPED, FAILED);
      case STOPPING -> EnumSet.of(STOPPED, FAILED);
      case STOPPED, FAILED -> EnumSet.noneOf(PipelineState.class);
    };
  }
}
