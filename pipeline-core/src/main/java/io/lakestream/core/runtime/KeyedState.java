package io.lakestream.core.runtime;

import io.lakestream.core.state.StateBackend;
import io.lakestream.core.state.StateStore;
import io.lakestream.core.state.ValueCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the state stores of one keyed step's tasks from the recovered checkpoint.
 *
 * <p>When the checkpoint was written by as many tasks over the same key groups, each task reopens
 * its own snapshot. Otherwise (another parallelism, or state written before key groups, split by
 * {@code hash % parallelism}) the state is redistributed: every entry of every stored snapshot is
 * read once and written, through the step's {@link StateRouting}, into the store of the task that
 * now owns its key group. Each task's watermark becomes the highest stored one: tasks see the same
 * watermarks in the same order before a barrier, so in event time they are equal anyway, and the
 * highest never reopens a window that a task already purged.
 *
 * <p>Nothing is written to the stored snapshots: until the first checkpoint after the restart
 * persists the new stores, a crash redistributes the same state again.
 */
final class KeyedState {
  private static final Logger LOG = LoggerFactory.getLogger(KeyedState.class);
  private static final int BATCH = 4096;

  private KeyedState() {}

  /**
   * The stores of {@code tasks} tasks named by {@code owner}, holding the state of the keys each
   * owns under {@code keyGroups}.
   *
   * @param stored the snapshots of the recovered checkpoint, by owner
   * @param storedKeyGroups the key groups they were written over; 0 before key groups
   */
  static List<StateStore> open(
      StateBackend backend,
      IntFunction<String> owner,
      int tasks,
      KeyGroups keyGroups,
      Map<String, byte[]> stored,
      int storedKeyGroups,
      StateRouting routing) {
    List<byte[]> handles = new ArrayList<>();
    for (int i = 0; stored.containsKey(owner.apply(i)); i++) {
      handles.add(stored.get(owner.apply(i)));
    }
    boolean sameLayout = storedKeyGroups == keyGroups.count() && handles.size() == tasks;
    List<StateStore> stores = new ArrayList<>();
    try {
      for (int i = 0; i < tasks; i++) {
        stores.add(backend.open(owner.apply(i), sameLayout ? handles.get(i) : null));
      }
      if (!sameLayout && !handles.isEmpty()) {
        redistribute(backend, handles, stores, keyGroups, routing, owner.apply(0), storedKeyGroups);
      }
      return stores;
    } catch (IOException | RuntimeException e) {
      try {
        Resources.closeInReverse(stores);
      } catch (RuntimeException c) {
        e.addSuppressed(c);
      }
      if (e instanceof IOException io) {
        throw new UncheckedIOException("Cannot restore the state of " + owner.apply(0), io);
      }
      throw (RuntimeException) e;
    }
  }

  private static void redistribute(
      StateBackend backend,
      List<byte[]> handles,
      List<StateStore> stores,
      KeyGroups keyGroups,
      StateRouting routing,
      String step,
      int storedKeyGroups)
      throws IOException {
    long start = System.nanoTime();
    Batches out = new Batches(stores, keyGroups);
    long watermark = Long.MIN_VALUE;
    for (byte[] handle : handles) {
      long[] stepWatermark = {Long.MIN_VALUE};
      backend.read(
          handle,
          (k, v) -> {
            if (Arrays.equals(k, KeyedTask.WATERMARK_KEY)) {
              stepWatermark[0] = ValueCodec.readLongOrdered(v, 0);
            } else {
              routing.route(k, v, out);
            }
            return true;
          });
      watermark = Math.max(watermark, stepWatermark[0]);
    }
    out.flush();
    if (watermark != Long.MIN_VALUE) {
      byte[] w = new byte[8];
      ValueCodec.writeLongOrdered(w, 0, watermark);
      stores.forEach(s -> s.put(KeyedTask.WATERMARK_KEY, w));
    }
    LOG.info(
        "Redistributed the state of {} from {} to {} tasks{}: {} entries in {} ms",
        step.substring(0, step.lastIndexOf('-')),
        handles.size(),
        stores.size(),
        storedKeyGroups == 0
            ? " (written before key groups; now " + keyGroups.count() + " key groups)"
            : " over " + keyGroups.count() + " key groups",
        out.entries,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
  }

  /** Entries for each task, written in batches. */
  private static final class Batches implements StateRouting.Destinations {
    private final List<StateStore> stores;
    private final KeyGroups keyGroups;
    private final byte[][][] keys;
    private final byte[][][] values;
    private final int[] sizes;
    long entries;

    Batches(List<StateStore> stores, KeyGroups keyGroups) {
      this.stores = stores;
      this.keyGroups = keyGroups;
      this.keys = new byte[stores.size()][BATCH][];
      this.values = new byte[stores.size()][BATCH][];
      this.sizes = new int[stores.size()];
    }

    @Override
    public int owner(int keyHash) {
      return keyGroups.owner(keyHash, stores.size());
    }

    @Override
    public void put(int task, byte[] key, byte[] value) {
      keys[task][sizes[task]] = key;
      values[task][sizes[task]++] = value;
      entries++;
      if (sizes[task] == BATCH) {
        write(task);
      }
    }

    void flush() {
      for (int task = 0; task < sizes.length; task++) {
        write(task);
      }
    }

    private void write(int task) {
      stores.get(task).write(keys[task], values[task], sizes[task]);
      Arrays.fill(keys[task], 0, sizes[task], null);
      Arrays.fill(values[task], 0, sizes[task], null);
      sizes[task] = 0;
    }
  }
}
