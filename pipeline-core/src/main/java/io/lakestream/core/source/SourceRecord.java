package io.lakestream.core.source;

/**
 * A record as a source read it, before decoding, with the coordinates that name it in log lines,
 * dead-letter rows and late-record rows.
 *
 * @param topic the stream it was read from (a Kafka topic)
 * @param partition the partition of that stream
 * @param offset its position in the partition
 * @param timestampMillis the record's timestamp, or -1 if it has none
 * @param key raw key bytes, may be null
 * @param value raw value bytes; null for a tombstone
 */
public record SourceRecord(
    String topic, int partition, long offset, long timestampMillis, byte[] key, byte[] value) {

  /** {@code topic/partition@offset}, the form every log line and error message uses. */
  public String coordinates() {
    return topic + "/" + partition + "@" + offset;
  }
}
