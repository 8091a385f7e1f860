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
public record CheckpointSpec(
    Duration interval, Path dir, Duration timeout, Duration retryTimeout) {}
