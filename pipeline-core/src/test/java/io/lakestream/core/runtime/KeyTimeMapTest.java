package io.lakestream.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link KeyTimeMap} against a {@link HashMap} of the same operations, with dirty tracking: dirty
 * entries are visited in the order they became dirty, also after the map has grown.
 */
class KeyTimeMapTest {

  /** The model: times by key and the keys changed since the last clean. */
  private static final class Model {
    final Map<ByteBuffer, Long> times = new HashMap<>();
    final Set<ByteBuffer> dirty = new LinkedHashSet<>(); // in the order keys became dirty
  }

  private static byte[] key(int i) {
    // variable lengths so that equal prefixes and different lengths meet in the probe sequences
    byte[] k = new byte[1 + i % 5];
    k[0] = (byte) i;
    for (int b = 1; b < k.length; b++) {
      k[b] = (byte) (i >>> (8 * (b % 4)));
    }
    return ByteBuffer.allocate(4 + k.length).putInt(i).put(k).array();
  }

  /**
   * {@code hashKind}: {@code real} is the dedupe's hash; {@code few} maps every key to one of 8
   * hashes, so that entries with equal hashes and different keys share probe sequences.
   */
  @ParameterizedTest
  @ValueSource(strings = {"real", "few"})
  void behavesLikeAHashMapThroughGrowthCleansAndClears(String hashKind) {
    ToLongFunction<byte[]> hash =
        hashKind.equals("real")
            ? KeyFilter::hash
            : k -> Math.floorMod(KeyFilter.hash(k), 8) * 0x9E3779B97F4A7C15L;
    for (long seed = 1; seed <= 4; seed++) {
      run(seed, hash, hashKind.equals("real") ? 40_000 : 3_000);
    }
  }

  private static void run(long seed, ToLongFunction<byte[]> hash, int steps) {
    SplittableRandom random = new SplittableRandom(seed);
    String where = "seed " + seed;
    KeyTimeMap map = new KeyTimeMap(1 + random.nextInt(64)); // small: it must grow many times
    Model model = new Model();
    int keySpace = 1 + random.nextInt(steps / 2);
    for (int step = 0; step < steps; step++) {
      int op = random.nextInt(100);
      if (op < 55) {
        byte[] k = key(random.nextInt(keySpace));
        long time = random.nextLong(-1_000_000, 1_000_000);
        boolean isDirty = random.nextBoolean();
        // a fresh array with the same contents: the map must compare contents, not identity
        if (random.nextBoolean()) {
          map.put(k.clone(), hash.applyAsLong(k), time, isDirty);
        } else {
          // as the dedupe decides: look the slot up, read it, then set it
          int slot = map.slot(k.clone(), hash.applyAsLong(k));
          assertThat(map.timeAt(slot))
              .as(where + ", step " + step + ": time at the slot")
              .isEqualTo(model.times.getOrDefault(ByteBuffer.wrap(k), KeyTimeMap.ABSENT));
          map.set(slot, k.clone(), hash.applyAsLong(k), time, isDirty);
        }
        model.times.put(ByteBuffer.wrap(k), time);
        if (isDirty) {
          model.dirty.add(ByteBuffer.wrap(k));
        }
      } else if (op < 93) {
        byte[] k = key(random.nextInt(keySpace));
        long expected = model.times.getOrDefault(ByteBuffer.wrap(k), KeyTimeMap.ABSENT);
        assertThat(map.get(k, hash.applyAsLong(k)))
            .as(where + ", step " + step)
            .isEqualTo(expected);
      } else if (op < 97) {
        assertDirtyEntries(map, model, hash, where + ", step " + step);
        map.markClean();
        model.dirty.clear();
      } else if (op < 98) {
        map.clear();
        model.times.clear();
        model.dirty.clear();
      } else {
        assertDirtyEntries(map, model, hash, where + ", step " + step);
      }
      assertThat(map.size()).as(where + ", step " + step).isEqualTo(model.times.size());
      assertThat(map.dirtyCount()).as(where + ", step " + step).isEqualTo(model.dirty.size());
    }
    for (ByteBuffer k : model.times.keySet()) {
      assertThat(map.get(k.array(), hash.applyAsLong(k.array())))
          .as(where + ", at the end")
          .isEqualTo(model.times.get(k));
    }
    assertDirtyEntries(map, model, hash, where + ", at the end");
  }

  private static void assertDirtyEntries(
      KeyTimeMap map, Model model, ToLongFunction<byte[]> hash, String where) {
    Map<ByteBuffer, Long> visited = new LinkedHashMap<>();
    map.forEachDirty(
        (k, h, time) -> {
          assertThat(h).as(where + ": the hash given with the key").isEqualTo(hash.applyAsLong(k));
          assertThat(visited.put(ByteBuffer.wrap(k), time)).as(where + ": visited twice").isNull();
        });
    Map<ByteBuffer, Long> expected = new HashMap<>();
    model.dirty.forEach(k -> expected.put(k, model.times.get(k)));
    assertThat(visited).as(where + ": dirty entries").isEqualTo(expected);
    assertThat(List.copyOf(visited.keySet()))
        .as(where + ": dirty entries in the order they became dirty")
        .isEqualTo(List.copyOf(model.dirty));
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 16, 50_000})
  void keepsEveryEntryWhenFilledFarBeyondItsExpectedSize(int expected) {
    KeyTimeMap map = new KeyTimeMap(expected);
    int n = Math.max(1_000, expected * 3);
    for (int i = 0; i < n; i++) {
      byte[] k = key(i);
      map.put(k, KeyFilter.hash(k), i, i % 3 == 0);
    }

    assertThat(map.size()).isEqualTo(n);
    assertThat(map.dirtyCount()).isEqualTo((n + 2) / 3);
    for (int i = 0; i < n; i++) {
      byte[] k = key(i);
      assertThat(map.get(k, KeyFilter.hash(k))).as("key %d", i).isEqualTo(i);
    }
    byte[] absent = key(n);
    assertThat(map.get(absent, KeyFilter.hash(absent))).isEqualTo(KeyTimeMap.ABSENT);
  }

  @Test
  void aCleanPutKeepsAnEntryDirtyThatWasAlreadyDirty() {
    KeyTimeMap map = new KeyTimeMap(4);
    byte[] k = key(7);
    long h = KeyFilter.hash(k);

    map.put(k, h, 10, true);
    map.put(k, h, 20, false); // re-read from the store: must not lose the pending write

    assertThat(map.dirtyCount()).isEqualTo(1);
    Map<Long, Long> dirty = new HashMap<>();
    map.forEachDirty((key, hash, time) -> dirty.put(hash, time));
    assertThat(dirty).containsExactly(Map.entry(h, 20L));
  }
}
