package io.lakestream.core.runtime;

/**
 * What flows through an exchange channel besides events. Every upstream task sends every signal to
 * every downstream task, in order with its events.
 */
sealed interface Signal extends ExchangeItem {

  /** Everything before it in the channel belongs to checkpoint {@code checkpointId}. */
  record Barrier(long checkpointId) implements Signal {}

  /**
   * The sender will send no event older than {@code time} (microseconds since the epoch), or, when
   * {@code idle}, has nothing to send right now and must not hold the watermark back.
   */
  record Watermark(long time, boolean idle) implements Signal {}

  /** The sender has reached the end of its input (bounded runs); barriers still follow. */
  record EndOfInput() implements Signal {}
}
