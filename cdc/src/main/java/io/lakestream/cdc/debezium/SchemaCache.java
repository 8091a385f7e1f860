package io.lakestream.cdc.debezium;

import java.util.Arrays;

/**
 * What was compiled from embedded schemas, found again by the schema's bytes: JsonConverter writes
 * the same schema as the same bytes, so a message whose schema is known costs one comparison
 * instead of a parse. Holds the few most recently used schemas (a topic has one per schema version;
 * heartbeats add one).
 *
 * @param <P> what a schema compiles to
 */
final class SchemaCache<P> {

  /** A schema's bytes and what it compiled to. */
  record Entry<P>(byte[] bytes, P compiled) {}

  private final Object[] entries;

  SchemaCache(int capacity) {
    this.entries = new Object[capacity];
  }

  /**
   * The entry whose schema bytes stand at {@code start} in {@code message}, or null; a hit becomes
   * the most recently used.
   */
  @SuppressWarnings("unchecked")
  Entry<P> find(byte[] message, int start) {
    for (int i = 0; i < entries.length && entries[i] != null; i++) {
      Entry<P> e = (Entry<P>) entries[i];
      int end = start + e.bytes().length;
      if (end <= message.length
          && Arrays.equals(message, start, end, e.bytes(), 0, e.bytes().length)) {
        System.arraycopy(entries, 0, entries, 1, i);
        entries[0] = e;
        return e;
      }
    }
    return null;
  }

  /**
   * Adds a schema's bytes (a copy the cache owns) and what they compiled to, evicting the oldest.
   */
  void add(byte[] bytes, P compiled) {
    System.arraycopy(entries, 0, entries, 1, entries.length - 1);
    entries[0] = new Entry<>(bytes, compiled);
  }
}
