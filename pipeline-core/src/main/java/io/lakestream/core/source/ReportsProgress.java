package io.lakestream.core.source;

import java.util.Map;

/** A source that can say, for the status line, how far behind the pipeline is and why it waits. */
public interface ReportsProgress {

  /**
   * The records each split holds beyond {@code positions}, by split id, asked with a short
   * deadline.
   *
   * @throws io.lakestream.core.error.PipelineException if the source does not answer in time
   */
  Map<String, Long> lag(Map<String, Long> positions);

  /**
   * For each split of {@code positions}, the timestamp (epoch millis) of the first record beyond
   * its position, which has waited since then to be committed; splits with nothing beyond their
   * position, or that do not answer within a short deadline, are absent. Ask only for splits with a
   * {@link #lag}: for the others it waits out the deadline.
   *
   * @throws io.lakestream.core.error.PipelineException if the source cannot be read
   */
  Map<String, Long> waitingSince(Map<String, Long> positions);

  /** What the source is waiting for now (e.g. brokers that do not answer), or null. */
  String stall();
}
