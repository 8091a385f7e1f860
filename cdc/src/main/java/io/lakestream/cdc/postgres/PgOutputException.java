package io.lakestream.cdc.postgres;

import io.lakestream.core.error.PipelineException;

/**
 * The replication stream holds something this reader cannot follow: bytes that are not a pgoutput
 * protocol version 1 message in text format, or a change to a relation whose Relation message was
 * never seen. The stream cannot continue past it, so this stops the pipeline; it is not a bad
 * record that an error policy could skip.
 */
public class PgOutputException extends PipelineException {
  public PgOutputException(String message) {
    super(message);
  }

  public PgOutputException(String message, Throwable cause) {
    super(message, cause);
  }
}
