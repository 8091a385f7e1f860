package io.lakestream.core.state;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A byte array compared by content, so that encoded keys can be used as map keys. Ordered by
 * unsigned lexicographic comparison, the order RocksDB's default comparator uses.
 *
 * <p>The array is not copied: whoever wraps it must not change it afterwards.
 */
public final class Bytes implements Comparable<Bytes> {
  private final byte[] bytes;
  private final int hash;

  /** Wraps {@code bytes} without copying them. */
  public Bytes(byte[] bytes) {
    this.bytes = Objects.requireNonNull(bytes, "bytes");
    this.hash = hash(bytes);
  }

  /**
   * FNV-1a: unlike {@link Arrays#hashCode(byte[])}, whose multiplier 31 is smaller than a byte's
   * range, keys that differ in two adjacent bytes (such as big-endian counters) do not collide.
   */
  private static int hash(byte[] bytes) {
    int h = 0x811c9dc5;
    for (byte b : bytes) {
      h = (h ^ (b & 0xff)) * 0x01000193;
    }
    return h;
  }

  /** The wrapped array itself; callers must not change it. */
  public byte[] get() {
    return bytes;
  }

  public int length() {
    return bytes.length;
  }

  @Override
  public int compareTo(Bytes other) {
    return Arrays.compareUnsigned(bytes, other.bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Bytes other && hash == other.hash && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  /** The bytes in hex, e.g. {@code 01ff}. */
  @Override
  public String toString() {
    return HexFormat.of().formatHex(bytes);
  }
}
