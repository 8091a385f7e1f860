package io.lakestream.core.spec;

/**
 * The {@code errors} section: what happens to a record that cannot be decoded or converted.
 *
 * @param policy the rule
 * @param deadLetterTable for {@link Policy#DEAD_LETTER}: the table bad records land in
 */
public record ErrorSpec(Policy policy, String deadLetterTable) {

  /** The error policies. */
  public enum Policy {
    /** Stop the pipeline, naming the record's topic, partition and offset. */
    FAIL,
    /** Write the record's raw bytes and the error to the dead-letter table, count it, go on. */
    DEAD_LETTER,
    /** Count the record, log it, go on. */
    SKIP
  }
}
