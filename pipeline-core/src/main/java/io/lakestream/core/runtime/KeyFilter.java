package io.lakestream.core.runtime;

import java.util.ArrayList;
import java.util.List;

/**
 * A Bloom filter over the keys a dedupe has written to its store: when it says a key was never
 * added, the store need not be asked. Blocked: each key sets a few bits of one 64-bit word, so a
 * check costs one memory access per segment; with about 10 bits per key about 2 % of absent keys
 * are reported as possibly present. It grows by adding segments of twice the size, so it never has
 * to be refilled while keys arrive. Keys cannot be removed: the owner rebuilds it from the store
 * when many of its keys have expired.
 */
final class KeyFilter {
  private static final int BITS_PER_KEY = 10;
  private static final int PROBES = 6;

  private final List<long[]> segments = new ArrayList<>();
  private long[] current;
  private int currentCapacity;
  private int currentAdded;
  private long added;

  /** A filter whose first segment is sized for {@code capacity} keys. */
  KeyFilter(int capacity) {
    addSegment(Math.max(1024, capacity));
  }

  /** How many keys were added. */
  long added() {
    return added;
  }

  void add(long hash) {
    if (currentAdded >= currentCapacity) {
      addSegment(currentCapacity * 2);
    }
    current[index(current, hash)] |= mask(hash);
    currentAdded++;
    added++;
  }

  /** False if the key with this hash was certainly never added. */
  boolean mightContain(long hash) {
    long m = mask(hash);
    for (long[] words : segments) {
      if ((words[index(words, hash)] & m) == m) {
        return true;
      }
    }
    return false;
  }

  private void addSegment(int capacity) {
    int words = Integer.highestOneBit(Math.max(64, capacity / 64 * BITS_PER_KEY) * 2 - 1);
    current = new long[words];
    currentCapacity = capacity;
    currentAdded = 0;
    segments.add(current);
  }

  private static int index(long[] words, long hash) {
    return (int) (hash >>> 40) & (words.length - 1);
  }

  private static long mask(long hash) {
    long m = 0;
    for (int i = 0; i < PROBES; i++) {
      m |= 1L << (hash >>> (6 * i));
    }
    return m;
  }

  /** A 64-bit hash of {@code bytes} (FNV-1a, then a final mix). */
  static long hash(byte[] bytes) {
    long h = 0xcbf29ce484222325L;
    for (byte b : bytes) {
      h = (h ^ (b & 0xff)) * 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    return h;
  }
}
