package io.lakestream.iceberg;

import org.apache.iceberg.StructLike;

/**
 * A key's column values, copied out of the row they came from, so they can be kept: in the map of
 * keys a checkpoint touched, or in the key index. Kept in Iceberg's struct-keyed maps, which
 * compare them by value.
 */
record KeyValues(Object[] values) implements StructLike {
  @Override
  public int size() {
    return values.length;
  }

  @Override
  public <T> T get(int pos, Class<T> javaClass) {
    return javaClass.cast(values[pos]);
  }

  @Override
  public <T> void set(int pos, T value) {
    throw new UnsupportedOperationException("Keys are read-only");
  }
}
