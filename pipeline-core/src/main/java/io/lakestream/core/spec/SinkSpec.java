package io.lakestream.core.spec;

import java.util.Map;

/**
 * The {@code sink} section: one sink type and its options, validated by that type's {@link
 * io.lakestream.core.sink.SinkFactory}.
 *
 * @param type the sink type, e.g. {@code iceberg}
 * @param table the output table, fully qualified
 * @param config the options under {@code sink.<type>}, as parsed
 */
public record SinkSpec(String type, String table, Map<String, Object> config) {
  public SinkSpec {
    config = Map.copyOf(config);
  }

  /**
   * Whether {@link #table} names a family of tables, {@code namespace.*}, one per source table or
   * topic, rather than one table.
   */
  public boolean tablePattern() {
    return table.endsWith(".*");
  }

  /** The {@code catalog} section of the sink's options, or null when it has none. */
  @SuppressWarnings("unchecked")
  public Map<String, Object> catalog() {
    return config.get("catalog") instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
  }

  /** Shows every component, with the values of secret options masked. */
  @Override
  public String toString() {
    return "SinkSpec[type=" + type + ", table=" + table + ", config=" + Secrets.mask(config) + "]";
  }
}
