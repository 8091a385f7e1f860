package io.lakestream.core.sink;

import io.lakestream.core.record.Row;
import java.util.List;

/**
 * Writes one task's rows into data files. Phase one of the two-phase commit: {@link #prepareCommit}
 * closes the open files and returns them as committables; nothing is visible to readers until the
 * {@link SinkCommitter} commits them.
 */
public interface SinkWriter extends AutoCloseable {

  /**
   * Buffers or writes one row. The row must not be changed afterwards by the caller.
   *
   * @throws java.io.UncheckedIOException if a data file cannot be written
   */
  void write(Row row);

  /**
   * Closes every open file and returns what was written since the previous call, as committables
   * for checkpoint {@code checkpointId}. Returns an empty list when nothing was written.
   *
   * @throws java.io.UncheckedIOException if a file cannot be closed
   */
  List<Committable> prepareCommit(long checkpointId);

  /** Releases open files without committing them; files already written stay where they are. */
  @Override
  void close();
}
