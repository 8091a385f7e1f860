package io.lakestream.core.source;

import java.util.List;

/**
 * Reads one task's splits; every method is called on that task's thread. Splits are numbered in the
 * order they were {@link #add}ed, starting at 0.
 *
 * @param <R> what it produces
 */
public interface SplitReader<R> extends AutoCloseable {

  /** Hands {@code accept} a record read from the task's split {@code split}. */
  @FunctionalInterface
  interface Handler<R> {
    /**
     * @return false to stop reading: the record is then not taken, and no position moves past it
     */
    boolean accept(R record, int split);
  }

  /** Starts reading more splits: at start, and when splits appear while the pipeline runs. */
  void add(List<SplitStart> splits);

  /**
   * Reads what arrives within {@code waitMillis} and hands each record to {@code handler} in order,
   * stopping early when it returns false.
   */
  void poll(long waitMillis, Handler<? super R> handler) throws InterruptedException;

  /**
   * The position of split {@code split} after the last record taken from it, or null while it has
   * none a restart could resume from (an initial snapshot in progress): a checkpoint taken then
   * holds nothing of the task.
   */
  Long position(int split);

  /**
   * Whether a checkpoint may be taken now. A reader of transactions says no inside one, so that a
   * checkpoint holds whole transactions.
   */
  default boolean atBoundary() {
    return true;
  }

  /** Whether split {@code split} has been read up to the end of what its log holds now. */
  boolean caughtUp(int split);

  /**
   * Bounded runs: whether split {@code split} has been read up to its end (then it delivers nothing
   * more). Never true in an unbounded run.
   */
  boolean finished(int split);

  /** Releases the reader's connections. */
  @Override
  void close();
}
