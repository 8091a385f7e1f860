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

  /** Shows every component, with the values of secret options masked. */
  @Override
  public String toString() {
    return "SinkSpec[type=" + type + ", table=" + table + ", config=" + Secrets.mask(config) + "]";
  }
}
