package io.lakestream.core.record;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/** An ordered list of uniquely named fields; the shape of every {@link Row} in a stream. */
public final class Schema {
  private final List<Field> fields;
  private final Map<String, Integer> positions;

  public Schema(List<Field> fields) {
    this.fields = List.copyOf(fields);
    this.positions = new HashMap<>();
    for (int i = 0; i < this.fields.size(); i++) {
      if (positions.put(this.fields.get(i).name(), i) != null) {
        throw new IllegalArgumentException("Duplicate field name: " + this.fields.get(i).name());
      }
    }
  }

  public List<Field> fields() {
    return fields;
  }

  public int size() {
    return fields.size();
  }

  public Field field(int position) {
    return fields.get(position);
  }

  /** The position of the named field, or empty if there is none. */
  public OptionalInt position(String name) {
    Integer p = positions.get(name);
    return p == null ? OptionalInt.empty() : OptionalInt.of(p);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Schema other && fields.equals(other.fields);
  }

  @Override
  public int hashCode() {
    return fields.hashCode();
  }

  @Override
  public String toString() {
    return fields.toString();
  }
}
