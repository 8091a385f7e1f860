package io.lakestream.core.runtime;

import java.util.List;

/**
 * What a source task does with each record its reader produces: decode and transform raw records
 * ({@link RecordProcessor}), or apply changes to their tables ({@link ChangeApplier}).
 *
 * @param <R> what the reader produces
 */
interface SourceInput<R> extends AutoCloseable {

  /**
   * Takes one record read from the task's split {@code split}.
   *
   * @return the failure when the record is bad and the policy is {@code fail}; otherwise null
   */
  RecordFailure process(R record, int split);

  /** The tables written, each once; their writers prepare committables at every checkpoint. */
  List<TableOutput> outputs();

  /** Says how many log lines were left out since the last checkpoint. */
  default void flushLog() {}

  /** Closes the writers; uncommitted files stay where they are. */
  @Override
  void close();
}
