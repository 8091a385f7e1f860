package io.lakestream.core.error;

/**
 * One record cannot be processed (it does not decode, a cast fails, an expression fails on it). The
 * pipeline's error policy decides what happens to it; the message names what is wrong in it.
 */
public class RecordException extends RuntimeException {
  public RecordException(String message) {
    super(message, null, false, false);
  }

  public RecordException(String message, Throwable cause) {
    super(message, cause, false, false);
  }
}
