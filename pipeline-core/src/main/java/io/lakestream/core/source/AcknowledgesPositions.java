package io.lakestream.core.source;

import java.util.Map;

/**
 * A source told which positions are committed to every table, so that it may let the upstream
 * system move on: Kafka records them as consumer-group offsets (for lag tools), PostgreSQL confirms
 * them on the slot (so the server can recycle its log).
 */
public interface AcknowledgesPositions {

  /**
   * Everything up to {@code positions} (by split id) is committed. Called from another thread than
   * the readers'; must not block for long.
   */
  void acknowledge(Map<String, Long> positions);
}
