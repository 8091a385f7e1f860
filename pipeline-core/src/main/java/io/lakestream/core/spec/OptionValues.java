package io.lakestream.core.spec;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The values read for some declared options, e.g. the {@code schema-file} of an Avro format. Values
 * are found by the declaration they were read for. Immutable.
 */
public final class OptionValues {
  private static final OptionValues NONE = new OptionValues(Map.of());

  private final Map<SpecOption<?>, Object> values;

  private OptionValues(Map<SpecOption<?>, Object> values) {
    this.values = values;
  }

  /** No values. */
  public static OptionValues none() {
    return NONE;
  }

  /** One value. */
  public static <T> OptionValues of(SpecOption<T> option, T value) {
    return new OptionValues(Map.of(option, Objects.requireNonNull(value, "value")));
  }

  /** The value read for {@code option}, or null when there is none. */
  @SuppressWarnings("unchecked") // of() keeps each value with the option of its type
  public <T> T get(SpecOption<T> option) {
    return (T) values.get(option);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OptionValues other && values.equals(other.values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  /** The values by key, e.g. {@code {schema-file=/specs/orders.avsc}}, secrets masked. */
  @Override
  public String toString() {
    Map<String, Object> byKey = new TreeMap<>();
    values.forEach((option, value) -> byKey.put(option.key(), value));
    return Secrets.mask(byKey).toString();
  }
}
