package io.lakestream.core.error;

/** Another instance of the same pipeline now owns its tables; this one must stop writing. */
public class FencedException extends PipelineException {
  public FencedException(String message) {
    super(message);
  }
}
