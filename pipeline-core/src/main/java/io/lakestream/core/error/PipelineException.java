package io.lakestream.core.error;

/** A failure that stops a pipeline; its message is shown to the user as it is. */
public class PipelineException extends RuntimeException {
  public PipelineException(String message) {
    super(message);
  }

  public PipelineException(String message, Throwable cause) {
    super(message, cause);
  }
}
