package io.lakestream.core.error;

/**
 * A source record that could not be turned into a row, with its coordinates.
 *
 * @param topic source topic
 * @param partition source partition
 * @param offset source offset
 * @param timestampMillis the record's timestamp, or -1 if it has none
 * @param key raw key bytes, may be null
 * @param value raw value bytes, may be null
 */
public record BadRecord(
    String topic, int partition, long offset, long timestampMillis, byte[] key, byte[] value) {

  /** {@code topic/partition@offset}, the form every log line and error message uses. */
  public String coordinates() {
    return topic + "/" + partition + "@" + offset;
  }
}
