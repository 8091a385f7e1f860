package io.lakestream.core.spec;

import java.time.Duration;
import java.util.Objects;

/**
 * The {@code event-time} section: where a record's event time comes from and how the watermark
 * follows it.
 *
 * @param field a timestamp column of the records as they reach the first stateful step
 * @param maxOutOfOrderness how far behind the newest event time of its partition a record may be
 *     and still be on time
 * @param idleTimeout how long a caught-up partition may deliver nothing before it stops holding the
 *     watermark back
 */
public record EventTimeSpec(String field, Duration maxOutOfOrderness, Duration idleTimeout) {
  public EventTimeSpec {
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(maxOutOfOrderness, "maxOutOfOrderness");
    Objects.requireNonNull(idleTimeout, "idleTimeout");
  }
}
