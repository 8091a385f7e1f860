package io.lakestream.core.decode;

import io.lakestream.core.record.Change;
import io.lakestream.core.record.Schema;

/**
 * Decodes a source record that describes a change to a table (a Debezium envelope) into a {@link
 * Change} of rows of the pipeline's declared schema. One decoder per task: implementations may keep
 * buffers between calls and are not thread-safe.
 */
public interface ChangeDecoder {

  /**
   * Decodes one record.
   *
   * @param key the record's key bytes, or null
   * @param value the record's value bytes, or null (a tombstone)
   * @return the change, or null when the record changes nothing (a tombstone, which only lets Kafka
   *     compaction drop a deleted key, or a schema-change or heartbeat message)
   * @throws io.lakestream.core.error.RecordException if the record is malformed or does not fit the
   *     schema
   */
  Change decode(byte[] key, byte[] value);

  /**
   * The rows' new schema when the record just decoded is the first of a new shape (its embedded
   * schema has a column more): the old columns in their positions, then the new ones. Returned
   * once; null when nothing changed.
   */
  default Schema schemaChange() {
    return null;
  }
}
