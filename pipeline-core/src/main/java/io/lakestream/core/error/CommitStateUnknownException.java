package io.lakestream.core.error;

/**
 * A table commit may or may not have happened. Never retried blindly and never cleaned up: the
 * outcome is reconciled by reading the table's recorded checkpoint.
 */
public class CommitStateUnknownException extends PipelineException {
  public CommitStateUnknownException(String message, Throwable cause) {
    super(message, cause);
  }
}
