package io.lakestream.cdc.debezium;

import io.lakestream.core.decode.ChangeDecoder;

/** A {@link ChangeDecoder} for Debezium envelopes that also reports their metadata. */
public interface DebeziumDecoder extends ChangeDecoder {

  /**
   * The metadata of the event the last call to {@link #decode} turned into a change; null if that
   * call returned null or threw.
   */
  EventInfo lastEvent();
}
