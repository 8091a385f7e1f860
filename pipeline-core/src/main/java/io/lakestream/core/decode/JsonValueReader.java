package io.lakestream.core.decode;

import com.fasterxml.jackson.core.JsonParser;
import java.io.IOException;

/**
 * Reads one JSON value of one declared column into its row representation (see {@link
 * io.lakestream.core.record.DataType}). A format decides how each column is read by choosing its
 * reader; {@link JsonRowReader} reads the objects around them.
 */
@FunctionalInterface
public interface JsonValueReader {

  /**
   * Reads the value the parser stands on: its first token, which is never {@code VALUE_NULL}. A
   * value that spans several tokens (an object, an array) is read up to and including its last.
   *
   * @throws io.lakestream.core.error.RecordException naming the column if the value does not fit
   *     it; an {@link ArithmeticException} or {@link IllegalArgumentException} is turned into one
   *     by the {@link JsonRowReader} that called
   * @throws IOException if the JSON is malformed
   */
  Object read(JsonParser p) throws IOException;
}
