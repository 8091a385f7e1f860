package io.lakestream.core.runtime;

import java.util.Arrays;

/**
 * A dedupe's cache of keys and times: open addressing with linear probing over parallel arrays, so
 * a lookup is one probe sequence without per-entry objects. Each entry is clean (read from the
 * store) or dirty (changed since the last {@link #clear}, to be written). Dirty entries are visited
 * in the order they became dirty: keys often arrive in about their sorted order (growing ids), and
 * RocksDB inserts nearly sorted keys into its memtable much faster than keys in hash order.
 */
final class KeyTimeMap {
  static final long ABSENT = Long.MIN_VALUE;

  private byte[][] keys;
  private long[] hashes;
  private long[] times;
  private boolean[] dirty;
  private int[] dirtySlots;
  private int size;
  private int dirtyCount;

  KeyTimeMap(int expected) {
    allocate(Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1);
  }

  private void allocate(int capacity) {
    keys = new byte[capacity][];
    hashes = new long[capacity];
    times = new long[capacity];
    dirty = new boolean[capacity];
    dirtySlots = new int[capacity / 2 + 1];
  }

  int size() {
    return size;
  }

  int dirtyCount() {
    return dirtyCount;
  }

  /** The time of {@code key}, or {@link #ABSENT}. */
  long get(byte[] key, long hash) {
    int slot = find(key, hash);
    return keys[slot] == null ? ABSENT : times[slot];
  }

  /**
   * The slot of {@code key}: where it is, or where it would go. Valid until the next {@link #put}
   * or {@link #set}.
   */
  int slot(byte[] key, long hash) {
    return find(key, hash);
  }

  /** The time in {@code slot}, or {@link #ABSENT} if the slot is empty. */
  long timeAt(int slot) {
    return keys[slot] == null ? ABSENT : times[slot];
  }

  /** Sets the entry in {@code slot} (from {@link #slot} for this key) as {@link #put} does. */
  void set(int slot, byte[] key, long hash, long time, boolean isDirty) {
    if (keys[slot] == null) {
      keys[slot] = key;
      hashes[slot] = hash;
      size++;
    }
    times[slot] = time;
    if (isDirty && !dirty[slot]) {
      dirty[slot] = true;
      dirtySlots[dirtyCount++] = slot;
    }
    if (size * 2 > keys.length) {
      grow();
    }
  }

  /** Sets the time of {@code key}; a dirty entry is written at the next flush. */
  void put(byte[] key, long hash, long time, boolean isDirty) {
    set(find(key, hash), key, hash, time, isDirty);
  }

  /** Visits every dirty entry, in the order the entries became dirty. */
  void forEachDirty(Visitor visitor) {
    for (int i = 0; i < dirtyCount; i++) {
      int slot = dirtySlots[i];
      visitor.visit(keys[slot], hashes[slot], times[slot]);
    }
  }

  /** Marks every entry clean, after the dirty ones were written. */
  void markClean() {
    for (int i = 0; i < dirtyCount; i++) {
      dirty[dirtySlots[i]] = false;
    }
    dirtyCount = 0;
  }

  void clear() {
    Arrays.fill(keys, null);
    markClean();
    size = 0;
  }

  /** Receives entries. */
  @FunctionalInterface
  interface Visitor {
    void visit(byte[] key, long hash, long time);
  }

  private int find(byte[] key, long hash) {
    int mask = keys.length - 1;
    int slot = (int) (hash ^ (hash >>> 32)) & mask;
    while (keys[slot] != null && (hashes[slot] != hash || !Arrays.equals(keys[slot], key))) {
      slot = (slot + 1) & mask;
    }
    return slot;
  }

  private void grow() {
    byte[][] oldKeys = keys;
    long[] oldHashes = hashes;
    long[] oldTimes = times;
    int[] oldDirtySlots = dirtySlots;
    allocate(oldKeys.length * 2);
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldKeys[i] != null) {
        int slot = find(oldKeys[i], oldHashes[i]);
        keys[slot] = oldKeys[i];
        hashes[slot] = oldHashes[i];
        times[slot] = oldTimes[i];
      }
    }
    for (int i = 0; i < dirtyCount; i++) {
      int was = oldDirtySlots[i];
      int slot = find(oldKeys[was], oldHashes[was]);
      dirty[slot] = true;
      dirtySlots[i] = slot;
    }
  }
}
