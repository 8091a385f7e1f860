package io.lakestream.cli;

import io.lakestream.core.runtime.PhaseListener;
import java.io.PrintStream;
import java.util.Locale;

/**
 * For crash tests: when the system property {@code lakestream.debug.pause-at} is {@code
 * PHASE[:MIN_ID]} (e.g. {@code PERSISTED:3}), the process announces {@code PAUSED PHASE ID} on
 * standard output at the first such boundary and then waits forever, so that a test can kill it
 * there with SIGKILL. Without the property nothing happens.
 */
final class PausingPhaseListener implements PhaseListener {
  static final String PROPERTY = "lakestream.debug.pause-at";

  private final Phase phase;
  private final long minId;
  private final PrintStream out;

  private PausingPhaseListener(Phase phase, long minId, PrintStream out) {
    this.phase = phase;
    this.minId = minId;
    this.out = out;
  }

  /** The listener the system property asks for, or {@link PhaseListener#NONE}. */
  static PhaseListener fromSystemProperty(PrintStream out) {
    String value = System.getProperty(PROPERTY);
    if (value == null || value.isBlank()) {
      return PhaseListener.NONE;
    }
    String[] parts = value.split(":");
    Phase phase = Phase.valueOf(parts[0].trim().toUpperCase(Locale.ROOT));
    long minId = parts.length > 1 ? Long.parseLong(parts[1].trim()) : 1;
    return new PausingPhaseListener(phase, minId, out);
  }

  @Override
  public void reached(Phase reached, long checkpointId) {
    if (reached != phase || checkpointId < minId) {
      return;
    }
    out.println("PAUSED " + reached + " " + checkpointId);
    out.flush();
    while (true) {
      try {
        Thread.sleep(Long.MAX_VALUE);
      } catch (InterruptedException e) {
        // keep waiting: only a kill ends this process
      }
    }
  }
}
