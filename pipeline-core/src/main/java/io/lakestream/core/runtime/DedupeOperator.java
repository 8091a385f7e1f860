package io.lakestream.core.runtime;

import io.lakestream.core.error.RecordException;
import io.lakestream.core.spec.TransformSpec.Dedupe.Keep;
import io.lakestream.core.state.Bytes;
import io.lakestream.core.state.StateStore;
import io.lakestream.core.state.ValueCodec;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * Drops repeated records by key within a TTL.
 *
 * <p>State: {@code 0x01 key → time} (the first event time for {@code keep: first}, the latest for
 * {@code keep: last}), and an expiry index of time buckets, {@code 0x02 bucket random → keys}, one
 * entry per bucket per flush. A key is expired once the watermark (event time) or the clock
 * (processing time) reaches its time plus the TTL; an expired key counts as new. Expired keys are
 * deleted at each flush by reading the buckets the watermark has passed, so state holds only about
 * one TTL of keys.
 *
 * <p>Keys are cached in memory ({@link KeyTimeMap}); new and changed ones are written in one batch
 * at the next checkpoint, or earlier when the cache is full. A Bloom filter ({@link KeyFilter})
 * over the keys in the store answers most lookups of new keys without asking the store; the rest of
 * a batch of events is looked up in one call.
 */
final class DedupeOperator implements KeyedOperator {
  private static final byte KEYS = 1;
  private static final byte EXPIRY = 2;
  private static final byte[] EXPIRY_START = {EXPIRY};
  private static final int CACHE_LIMIT = 50_000; // small enough to stay in the CPU caches
  private static final int BUCKETS_PER_TTL = 8;
  private static final int MIN_FILTER_CAPACITY = 1 << 20;

  private final KeyColumns key;
  private final long ttlMicros;
  private final long bucketMicros;
  private final Keep keep;
  private final StateStore store;
  private final LongAdder duplicates;
  private final SplittableRandom random = new SplittableRandom();
  private final KeyTimeMap cache = new KeyTimeMap(CACHE_LIMIT);
  private KeyFilter filter;
  private long expiredSinceFilterBuilt;
  private long watermark = Long.MIN_VALUE;

  DedupeOperator(
      KeyColumns key, long ttlMicros, Keep keep, StateStore store, LongAdder duplicates) {
    this.key = key;
    this.ttlMicros = ttlMicros;
    this.bucketMicros = Math.max(1_000, ttlMicros / BUCKETS_PER_TTL);
    this.keep = keep;
    this.store = store;
    this.duplicates = duplicates;
  }

  @Override
  public void process(Event event, long watermark, Emitter out) {
    processBatch(new Event[] {event}, 1, watermark, out);
  }

  @Override
  public void processBatch(Event[] events, int size, long watermark, Emitter out) {
    this.watermark = watermark;
    if (filter == null) {
      rebuildFilter();
    }
    byte[][] keys = new byte[size][];
    long[] hashes = new long[size];
    byte[][] misses = new byte[size][];
    long[] missHashes = new long[size];
    int missCount = 0;
    for (int i = 0; i < size; i++) {
      try {
        keys[i] = key.bytes(KEYS, key.values(events[i].row()));
      } catch (RecordException e) {
        out.badRecord(events[i], e.getMessage());
        continue;
      }
      hashes[i] = KeyFilter.hash(keys[i]);
      if (cache.get(keys[i], hashes[i]) == KeyTimeMap.ABSENT && filter.mightContain(hashes[i])) {
        misses[missCount] = keys[i];
        missHashes[missCount++] = hashes[i];
      }
    }
    if (missCount > 0) {
      byte[][] found = store.getAll(misses, missCount);
      for (int i = 0; i < missCount; i++) {
        if (found[i] != null) {
          cache.put(misses[i], missHashes[i], ValueCodec.readLongOrdered(found[i], 0), false);
        }
      }
    }
    for (int i = 0; i < size; i++) {
      if (keys[i] != null) {
        decide(events[i], keys[i], hashes[i], watermark, out);
      }
    }
    if (cache.size() >= CACHE_LIMIT) {
      writeDirty();
      cache.clear();
    }
  }

  private void decide(Event event, byte[] k, long hash, long watermark, Emitter out) {
    long time = event.eventTime();
    int slot = cache.slot(k, hash);
    long seen = cache.timeAt(slot);
    boolean known = seen != KeyTimeMap.ABSENT && seen + ttlMicros > watermark;
    if (known && (keep == Keep.FIRST || time < seen)) {
      duplicates.increment();
      return;
    }
    cache.set(slot, k, hash, time, true);
    out.emit(event.row(), event);
  }

  @Override
  public void advance(long watermark, Emitter out) {
    this.watermark = watermark;
  }

  @Override
  public void tick(long nowNanos, Emitter out) {}

  @Override
  public void flush(long watermark, Emitter out) {
    this.watermark = watermark;
    writeDirty();
    expire();
  }

  @Override
  public void finish(long watermark, Emitter out) {}

  /** Writes the new and changed keys and their expiry buckets to the store, in one batch each. */
  private void writeDirty() {
    int n = cache.dirtyCount();
    if (n == 0) {
      return;
    }
    ExpiryBuckets buckets = new ExpiryBuckets();
    byte[][] keys = new byte[n][];
    byte[][] values = new byte[n][];
    int[] count = {0};
    cache.forEachDirty(
        (k, hash, time) -> {
          int i = count[0]++;
          keys[i] = k;
          values[i] = new byte[8];
          ValueCodec.writeLongOrdered(values[i], 0, time);
          buckets.add(Math.floorDiv(time, bucketMicros), k);
          filter.add(hash);
        });
    store.write(keys, values, n);
    buckets.writeTo(store, random);
    cache.markClean();
  }

  /** The keys of one flush, packed per expiry bucket (a flush touches only a few buckets). */
  private static final class ExpiryBuckets {
    private long[] ids = new long[4];
    private byte[][] packed = new byte[4][];
    private int[] lengths = new int[4];
    private int count;
    private int last = -1;

    void add(long bucket, byte[] k) {
      if (last < 0 || ids[last] != bucket) {
        last = indexOf(bucket);
      }
      int need = lengths[last] + 4 + k.length;
      if (need > packed[last].length) {
        packed[last] = Arrays.copyOf(packed[last], Math.max(need, packed[last].length * 2));
      }
      ByteBuffer.wrap(packed[last], lengths[last], 4).putInt(k.length);
      System.arraycopy(k, 0, packed[last], lengths[last] + 4, k.length);
      lengths[last] = need;
    }

    private int indexOf(long bucket) {
      for (int i = 0; i < count; i++) {
        if (ids[i] == bucket) {
          return i;
        }
      }
      if (count == ids.length) {
        ids = Arrays.copyOf(ids, count * 2);
        packed = Arrays.copyOf(packed, count * 2);
        lengths = Arrays.copyOf(lengths, count * 2);
      }
      ids[count] = bucket;
      packed[count] = new byte[1024];
      return count++;
    }

    void writeTo(StateStore store, SplittableRandom random) {
      byte[][] keys = new byte[count][];
      byte[][] values = new byte[count][];
      for (int i = 0; i < count; i++) {
        keys[i] = bucketKey(ids[i], random.nextLong());
        values[i] = Arrays.copyOf(packed[i], lengths[i]);
      }
      store.write(keys, values, count);
    }
  }

  /** Builds the filter from the keys in the store. */
  private void rebuildFilter() {
    List<Long> hashes = new ArrayList<>();
    store.scan(
        new byte[] {KEYS},
        new byte[] {KEYS + 1},
        (k, v) -> {
          hashes.add(KeyFilter.hash(k));
          return true;
        });
    filter = new KeyFilter(Math.max(MIN_FILTER_CAPACITY, hashes.size() * 2));
    hashes.forEach(filter::add);
    expiredSinceFilterBuilt = 0;
  }

  /**
   * Deletes the keys of every bucket whose whole time range plus the TTL the watermark has reached
   * (keys a keep-last dedupe moved to a later time stay: their newer bucket expires them).
   */
  private void expire() {
    if (watermark == Long.MIN_VALUE) {
      return;
    }
    if (filter == null) {
      rebuildFilter(); // a restored task can checkpoint before its first record
    }
    long lastExpired = Math.floorDiv(watermark - ttlMicros, bucketMicros) - 1;
    byte[] end = bucketKey(lastExpired + 1, Long.MIN_VALUE);
    List<byte[]> candidates = new ArrayList<>();
    store.scan(
        EXPIRY_START,
        end,
        (k, v) -> {
          candidates.addAll(unpack(v));
          return true;
        });
    if (candidates.isEmpty()) {
      return;
    }
    byte[][] keys = candidates.toArray(new byte[0][]);
    byte[][] times = store.getAll(keys, keys.length);
    byte[][] deletes = new byte[keys.length][];
    int n = 0;
    for (int i = 0; i < keys.length; i++) {
      if (times[i] != null && ValueCodec.readLongOrdered(times[i], 0) + ttlMicros <= watermark) {
        deletes[n++] = keys[i];
      }
    }
    store.write(deletes, new byte[n][], n);
    store.deleteRange(EXPIRY_START, end);
    expiredSinceFilterBuilt += n;
    if (expiredSinceFilterBuilt > filter.added() / 2) {
      rebuildFilter(); // the filter still holds the expired keys: make it precise again
    }
  }

  /**
   * Where a rescale puts this step's state: a key's time to the key's task; an expiry bucket's keys
   * split per task, each part under a new entry of the same bucket (parts of one entry, or entries
   * of several stores merged into one, must not overwrite each other).
   */
  static StateRouting routing(KeyColumns key) {
    SplittableRandom random = new SplittableRandom();
    return (k, v, to) -> {
      if (k.length > 1 && k[0] == KEYS) {
        to.put(to.owner(key.storedHash(k, 1)), k, v);
      } else if (k.length == 17 && k[0] == EXPIRY) {
        Map<Integer, List<byte[]>> byTask = new HashMap<>();
        for (byte[] expiring : unpack(v)) {
          byTask
              .computeIfAbsent(to.owner(key.storedHash(expiring, 1)), t -> new ArrayList<>())
              .add(expiring);
        }
        long bucket = ValueCodec.readLongOrdered(k, 1);
        byTask.forEach(
            (task, keys) -> to.put(task, bucketKey(bucket, random.nextLong()), pack(keys)));
      } else {
        throw new IllegalArgumentException("Not an entry of a dedupe's state: " + new Bytes(k));
      }
    };
  }

  private static byte[] bucketKey(long bucket, long suffix) {
    byte[] k = new byte[17];
    k[0] = EXPIRY;
    ValueCodec.writeLongOrdered(k, 1, bucket);
    ValueCodec.writeLongOrdered(k, 9, suffix);
    return k;
  }

  /** The keys of an expiry bucket as {@link ExpiryBuckets} writes them: length, bytes, .... */
  private static byte[] pack(List<byte[]> keys) {
    ByteBuffer out = ByteBuffer.allocate(keys.stream().mapToInt(k -> 4 + k.length).sum());
    keys.forEach(k -> out.putInt(k.length).put(k));
    return out.array();
  }

  private static List<byte[]> unpack(byte[] packed) {
    List<byte[]> keys = new ArrayList<>();
    ByteBuffer in = ByteBuffer.wrap(packed);
    while (in.hasRemaining()) {
      byte[] k = new byte[in.getInt()];
      in.get(k);
      keys.add(k);
    }
    return keys;
  }
}
