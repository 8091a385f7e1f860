package io.lakestream.core.sink;

import java.util.Objects;

/**
 * Something a writer produced for a checkpoint that a committer can make visible, in the sink's own
 * versioned binary form. The runtime stores it in the checkpoint as it is and never looks inside.
 *
 * @param records rows it holds, for logs and status lines
 * @param bytes the sink's serialized form; the sink owns its format and version
 */
public record Committable(long records, byte[] bytes) {
  public Committable {
    Objects.requireNonNull(bytes, "bytes");
  }
}
