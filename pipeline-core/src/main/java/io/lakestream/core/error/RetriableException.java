package io.lakestream.core.error;

/**
 * A failure that may pass by itself, so that what failed can be tried again as it is: the catalog
 * or the storage did not answer, a commit lost a race with another writer. Sinks throw it for the
 * faults they know to be transient; the checkpoint coordinator retries them with a bounded backoff.
 */
public class RetriableException extends PipelineException {

  public RetriableException(String message, Throwable cause) {
    super(message, cause);
  }
}
