package io.lakestream.core.sink;

import java.util.Map;
import java.util.function.Consumer;

/**
 * One branch of a table beside its main line, as a backfill uses it: started empty, filled by a
 * pipeline run committing to it, compared with the main line, and published into it.
 */
public interface BranchTable extends AutoCloseable {

  /** Which line of the table to read. */
  enum Line {
    MAIN,
    BRANCH
  }

  /**
   * Creates the branch at the main line's head without its rows, so that it holds only what is
   * committed to it and recovery still finds the main line's history; does nothing when the branch
   * exists.
   *
   * @return whether the branch was created
   */
  boolean startEmpty();

  /**
   * Hands {@code rows} every row of {@code line}'s head whose range column lies in {@code range},
   * deletes applied, as column name to value (timestamps as {@link java.time.Instant}).
   */
  void read(Line line, RowRange range, Consumer<Map<String, Object>> rows);

  /**
   * Replaces, in one commit on the main line, the rows whose range column lies in {@code range} by
   * the branch's rows in it; validated against what other writers committed meanwhile, and retried
   * on a conflict. Publishing the same branch head again changes nothing.
   *
   * @throws io.lakestream.core.error.PipelineException if a concurrent commit changed rows in the
   *     range, or the commit keeps failing
   */
  Published replace(RowRange range);

  /**
   * The outcome of {@link #replace}.
   *
   * @param committed false when the main line already held this branch head's rows
   * @param removed rows of the main line removed
   * @param added rows added from the branch
   * @param snapshotId the main line's head after the commit, for messages
   */
  record Published(boolean committed, long removed, long added, String snapshotId) {}

  @Override
  void close();
}
