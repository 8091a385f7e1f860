package io.lakestream.core.spec;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The {@code checkpoint} section.
 *
 * @param interval time between checkpoints; each checkpoint is one commit per table
 * @param dir where checkpoints are persisted; defaults to {@code state/<pipeline>}
 * @param timeout how long a checkpoint may wait for every task's snapshot before it is aborted and
 *     the run fails
 * @param retryTimeout how long a table commit that fails for a reason that may pass is retried
 */
public record CheckpointSpec(Duration interval, Path dir, Duration timeout, Duration retryTimeout) {

  /**
   * Where a writer keeps its checkpoints, given where the spec's {@code checkpoint.dir} puts the
   * default writer's: that directory itself, or {@code writers/<name>} below it for another writer,
   * so that each writer recovers from its own.
   */
  public static Path writerDir(Path base, String writer) {
    return writer.equals(WriterId.DEFAULT) ? base : base.resolve("writers").resolve(writer);
  }

  /** This section for writer {@code to}, where it was written for writer {@code from}. */
  CheckpointSpec forWriter(String from, String to) {
    Path base = from.equals(WriterId.DEFAULT) ? dir : dir.getParent().getParent();
    return new CheckpointSpec(interval, writerDir(base, to), timeout, retryTimeout);
  }
}
