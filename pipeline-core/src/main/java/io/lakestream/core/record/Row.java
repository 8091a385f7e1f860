package io.lakestream.core.record;

import java.util.Arrays;

/**
 * A record flowing through a pipeline: one value per field of its {@link Schema}, in field order,
 * in the representations {@link DataType} documents; {@code null} means absent.
 *
 * <p>A row is owned by one task at a time and is mutable so that transforms can work in place on
 * the hot path; a row handed to a sink writer must not be changed afterwards.
 */
public final class Row {
  private final Object[] values;

  public Row(int size) {
    this.values = new Object[size];
  }

  public Row(Object... values) {
    this.values = values;
  }

  public int size() {
    return values.length;
  }

  public Object get(int position) {
    return values[position];
  }

  public void set(int position, Object value) {
    values[position] = value;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Row other && Arrays.equals(values, other.values);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(values);
  }

  @Override
  public String toString() {
    return Arrays.toString(values);
  }
}
