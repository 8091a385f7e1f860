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

  /**
   * Where a writer keeps its checkpoints, given where the spec's {@code checkpoint.dir} puts the
   * default writer's: that directory itself, or {@code writers/<name>} below it for another writer,
   * so that each writer recovers from its own.
   */
  public static Path writerDir(Path base, String writer) {
    return writer.equals(WriterId.DEFAULT) ? base : base.resolve("writers").resolve(writer);
  }

  /** The durable copy of {@link #writerDir} in object storage; null stays null. */
  static URI writerRemote(URI base, String writer) {
    return base == null || writer.equals(WriterId.DEFAULT)
        ? base
        : URI.create(base + "/writers/" + writer);
  }

  /** This section for writer {@code to}, where it was written for writer {@code from}. */
  CheckpointSpec forWriter(String from, String to) {
    boolean wasDefault = from.equals(WriterId.DEFAULT);
    Path base = wasDefault ? dir : dir.getParent().getParent();
    URI remoteBase = remote;
    if (remote != null && !wasDefault) {
      String r = remote.toString();
      remoteBase = URI.create(r.substring(0, r.length() - ("/writers/" + from).length()));
    }
    return new CheckpointSpec(
        interval,
        writerDir(base, to),
        timeout,
        retryTimeout,
        writerRemote(remoteBase, to),
        storage);
  }
}
