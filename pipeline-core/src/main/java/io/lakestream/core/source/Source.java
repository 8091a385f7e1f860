package io.lakestream.core.source;

import java.util.List;

/**
 * Where a pipeline's records come from, read in splits (Kafka partitions, a replication slot). The
 * runtime owns the threads, barriers and watermarks: it asks the source for its splits, gives each
 * task a {@link SplitReader} and hands it the task's share of the splits, and records every split's
 * position in each checkpoint.
 *
 * <p>A source produces either raw records that a format decodes ({@link RecordSource}) or changes
 * to tables it describes itself ({@link ChangeSource}). Mix-ins add what only some sources do:
 * {@link AcknowledgesPositions}, {@link ReportsProgress}.
 *
 * @param <R> what its readers produce
 */
public sealed interface Source<R> extends AutoCloseable permits RecordSource, ChangeSource {

  /** What the source reads, for log lines: e.g. {@code Kafka topics orders, payments}. */
  String describe();

  /**
   * The splits to read, in a stable order, by id (the id positions are recorded under, e.g. {@code
   * orders:3}). Asked once before anything else is opened, and again at checkpoint boundaries:
   * splits that appear later (new partitions, newly matching topics) are then read from their
   * beginning.
   *
   * @throws io.lakestream.core.error.PipelineException if the source cannot be reached or what the
   *     spec names does not exist
   */
  List<String> splits();

  /**
   * A reader for one task; used by that task's thread only.
   *
   * @param bounded read each split up to its end as it is when the split is added, then finish
   */
  SplitReader<R> reader(String taskName, boolean bounded);

  @Override
  void close();
}
