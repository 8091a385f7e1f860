package io.lakestream.core.spec;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The {@code checkpoint} section.
 *
 * @param interval time between checkpoints; each checkpoint is one commit per table
 * @param dir where checkpoints are persisted on local disk; defaults to {@code state/<pipeline>};
 *     with {@code remote}, the working copy of the remote directory
 * @param timeout how long a checkpoint may wait for every task's snapshot before it is aborted and
 *     the run fails
 * @param retryTimeout how long a table commit that fails for a reason that may pass is retried
 * @param remote the durable copy of {@code dir} in object storage ({@code s3://bucket/path}), or
 *     null when checkpoints live on local disk only
 * @param storage how to reach {@code remote} (endpoint, region, credentials); empty without it
 */
public record CheckpointSpec(
    Duration interval,
    Path dir,
    Duration timeout,
    Duration retryTimeout,
    URI remote,
    Map<String, String> storage) {

  public CheckpointSpec {
    storage = storage == null ? Map.of() : Map.copyOf(storage);
  }

  /** Checkpoints on local disk only. */
  public CheckpointSpec(Duration interval, Path dir, Duration timeout, Duration retryTimeout) {
    this(interval, dir, timeout, retryTimeout, null, Map.of());
  }
}
