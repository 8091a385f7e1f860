package io.lakestream.core.decode;

import io.lakestream.core.record.Row;

/** Turns a source record's value bytes into a row of the declared schema. One per task. */
public interface RecordDecoder {

  /**
   * Decodes one value.
   *
   * @throws io.lakestream.core.error.RecordException if the bytes do not fit the schema; the
   *     message names the field and what was found
   */
  Row decode(byte[] value);
}
