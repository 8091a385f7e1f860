package io.lakestream.core.runtime;

import io.lakestream.core.aggregate.AggregateFunction;
import io.lakestream.core.error.PipelineException;
import io.lakestream.core.error.RecordException;
import io.lakestream.core.record.Row;
import io.lakestream.core.spec.TransformSpec;
import io.lakestream.core.state.Bytes;
import io.lakestream.core.state.StateStore;
import io.lakestream.core.state.ValueCodec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Aggregates events per event-time window and group (tumbling, sliding or session windows, see
 * docs/stateful.md) and writes one row per window and group, replaced by every correction.
 *
 * <p>State: {@code 0x01 group → the group's open windows} (format version, count, then per window
 * its bounds, flags and accumulators) and timers {@code 0x02 time group → ()} ordered by time: a
 * window registers a timer at its end (to fire) and, once fired, at its end plus the allowed
 * lateness (to be purged). When the watermark advances, due timers are visited in time order.
 * Groups touched since the last checkpoint are cached in memory and written at the checkpoint;
 * timers go to the store at once.
 */
final class WindowOperator implements KeyedOperator {
  private static final byte GROUPS = 1;
  private static final byte TIMERS = 2;
  private static final byte[] TIMERS_START = {TIMERS};
  private static final int CACHE_LIMIT = 100_000;
  private static final int FORMAT_VERSION = 1; // of a group's stored windows

  private final String name;
  private final TransformSpec.Window.Type type;
  private final long size;
  private final long slide;
  private final long gap;
  private final long lateness;
  private final long earlyFireNanos;
  private final KeyColumns group;
  private final List<AggregateFunction> functions;
  private final StateStore store;
  private final LongAdder lateCount;

  private final Map<Bytes, Group> cache = new HashMap<>();
  private final Set<Bytes> dirty = new LinkedHashSet<>();
  private final Set<Bytes> corrected = new LinkedHashSet<>();
  private final Set<Bytes> earlyChanged = new LinkedHashSet<>();
  private long nextTimer = Long.MIN_VALUE; // MIN_VALUE: unknown, look in the store
  private long nextEarlyFire;
  private boolean earlyFireStarted; // the first tick fires, and finds what changed before a restart

  /**
   * @param name the step's name in the spec, e.g. {@code transforms[1].window}, for the rows the
   *     table refuses
   */
  WindowOperator(
      String name,
      TransformSpec.Window spec,
      KeyColumns group,
      List<AggregateFunction> functions,
      StateStore store,
      LongAdder lateCount) {
    this.name = name;
    this.type = spec.type();
    this.size = spec.size() == null ? 0 : micros(spec.size());
    this.slide = spec.slide() == null ? size : micros(spec.slide());
    this.gap = spec.gap() == null ? 0 : micros(spec.gap());
    this.lateness = micros(spec.allowedLateness());
    this.earlyFireNanos = spec.earlyFire() == null ? 0 : spec.earlyFire().toNanos();
    this.group = group;
    this.functions = List.copyOf(functions);
    this.store = store;
    this.lateCount = lateCount;
  }

  private static long micros(java.time.Duration d) {
    return TimeUnit.NANOSECONDS.toMicros(d.toNanos());
  }

  /** A group's key values and open windows. */
  private static final class Group {
    final Object[] key;
    final List<OpenWindow> windows;

    Group(Object[] key, List<OpenWindow> windows) {
      this.key = key;
      this.windows = windows;
    }
  }

  @Override
  public void process(Event event, long watermark, Emitter out) {
    long t = event.eventTime();
    Object[] keyValues = group.values(event.row());
    Bytes key = new Bytes(group.bytes(GROUPS, keyValues));
    if (type == TransformSpec.Window.Type.SESSION) {
      // further behind than the lateness, it could belong to a session already closed and purged:
      // opening a new one would put two overlapping sessions of the group in the table
      if (t + lateness <= watermark) {
        tooLate(event, t, t + gap, watermark, out);
        return;
      }
      addToSession(load(key, keyValues), key, event, watermark, out);
    } else {
      Group g = null;
      long lateStart = Long.MIN_VALUE;
      for (long start = Math.floorDiv(t, slide) * slide; start > t - size; start -= slide) {
        long end = start + size;
        if (end + lateness <= watermark) {
          lateStart = start; // the earliest window it is too late for: one late row per record
          continue;
        }
        if (g == null) {
          g = load(key, keyValues);
        }
        OpenWindow w = find(g, start);
        if (w == null) {
          w = new OpenWindow(start, end, functions);
          g.windows.add(w);
          timer(end, key);
        }
        add(w, event, key, watermark);
      }
      if (lateStart != Long.MIN_VALUE) {
        tooLate(event, lateStart, lateStart + size, watermark, out);
      }
    }
  }

  private void addToSession(Group g, Bytes key, Event event, long watermark, Emitter out) {
    long t = event.eventTime();
    long start = t;
    long end = t + gap;
    List<OpenWindow> overlapping = new ArrayList<>();
    for (OpenWindow w : g.windows) {
      if (w.start < t + gap && t < w.end) {
        overlapping.add(w);
        start = Math.min(start, w.start);
        end = Math.max(end, w.end);
      }
    }
    OpenWindow session;
    boolean same = false;
    if (overlapping.isEmpty()) {
      session = new OpenWindow(start, end, functions);
    } else {
      OpenWindow base = overlapping.get(0);
      for (OpenWindow other : overlapping.subList(1, overlapping.size())) {
        for (int i = 0; i < base.accumulators.length; i++) {
          base.accumulators[i].merge(other.accumulators[i]);
        }
      }
      for (OpenWindow w : overlapping) {
        if (w.emitted && (w.start != start || w.end != end)) {
          retract(g, w, out); // its row would otherwise stay beside the merged session's
        }
      }
      g.windows.removeAll(overlapping);
      same = overlapping.size() == 1 && base.start == start && base.end == end;
      session = same ? base : base.withBounds(start, end);
    }
    g.windows.add(session);
    if (!same) {
      timer(session.end, key);
    }
    add(session, event, key, watermark);
  }

  private void add(OpenWindow w, Event event, Bytes key, long watermark) {
    for (var a : w.accumulators) {
      a.add(event.row(), event.eventTime());
    }
    w.changed = true;
    dirty.add(key);
    if (w.end <= watermark) {
      corrected.add(key); // a fired window within its lateness: its row is replaced
    }
    if (earlyFireNanos > 0 && !w.fired) {
      earlyChanged.add(key);
    }
  }

  private void tooLate(Event event, long start, long end, long watermark, Emitter out) {
    lateCount.increment();
    out.late(
        event,
        "window ["
            + time(start)
            + ", "
            + time(end)
            + ") was past its allowed lateness when the record arrived",
        watermark);
  }

  private static String time(long micros) {
    return Instant.EPOCH.plus(micros, ChronoUnit.MICROS).toString();
  }

  private static OpenWindow find(Group g, long start) {
    for (OpenWindow w : g.windows) {
      if (w.start == start) {
        return w;
      }
    }
    return null;
  }

  @Override
  public void advance(long watermark, Emitter out) {
    if (nextTimer != Long.MIN_VALUE && watermark < nextTimer) {
      return;
    }
    byte[] end = timerKey(watermark == Long.MAX_VALUE ? watermark : watermark + 1, new byte[0]);
    Set<Bytes> due = new LinkedHashSet<>();
    store.scan(
        TIMERS_START,
        end,
        (k, v) -> {
          byte[] groupKey = Arrays.copyOfRange(k, 8, k.length);
          groupKey[0] = GROUPS;
          due.add(new Bytes(groupKey));
          return true;
        });
    store.deleteRange(TIMERS_START, end);
    nextTimer = Long.MAX_VALUE;
    for (Bytes key : due) {
      fireAndPurge(key, watermark, out);
    }
    store.scan(
        TIMERS_START,
        new byte[] {TIMERS + 1},
        (k, v) -> {
          nextTimer = Math.min(nextTimer, ValueCodec.readLongOrdered(k, 1));
          return false;
        });
    emitCorrections(watermark, out);
  }

  private void fireAndPurge(Bytes key, long watermark, Emitter out) {
    Group g = load(key, null);
    if (g == null) {
      return;
    }
    long next = Long.MAX_VALUE;
    List<OpenWindow> purged = new ArrayList<>();
    for (OpenWindow w : g.windows) {
      if (w.end <= watermark && (!w.fired || w.changed)) {
        emit(g, w, out);
        w.fired = true;
      }
      if (w.end + lateness <= watermark) {
        purged.add(w);
      } else {
        next = Math.min(next, w.fired ? w.end + lateness : w.end);
      }
    }
    g.windows.removeAll(purged);
    if (g.windows.isEmpty()) {
      cache.remove(key);
      dirty.remove(key);
      corrected.remove(key);
      earlyChanged.remove(key);
      store.delete(key.get());
    } else {
      dirty.add(key);
      timer(next, key);
    }
  }

  private void emitCorrections(long watermark, Emitter out) {
    for (Bytes key : corrected) {
      Group g = cache.get(key);
      if (g == null) {
        continue; // purged since
      }
      for (OpenWindow w : g.windows) {
        if (w.end <= watermark && w.changed) {
          emit(g, w, out);
        }
      }
    }
    corrected.clear();
  }

  @Override
  public void tick(long nowNanos, Emitter out) {
    if (earlyFireNanos == 0 || (earlyFireStarted && nowNanos - nextEarlyFire < 0)) {
      return;
    }
    if (!earlyFireStarted) {
      earlyFireStarted = true;
      findChangedOpenWindows();
    }
    nextEarlyFire = nowNanos + earlyFireNanos;
    for (Bytes key : earlyChanged) {
      Group g = cache.get(key);
      if (g == null) {
        continue;
      }
      for (OpenWindow w : g.windows) {
        if (!w.fired && w.changed) {
          emit(g, w, out);
          dirty.add(key);
        }
      }
    }
    earlyChanged.clear();
  }

  /** After a restore: the groups whose open windows changed since their rows were last written. */
  private void findChangedOpenWindows() {
    store.scan(
        new byte[] {GROUPS},
        new byte[] {GROUPS + 1},
        (k, v) -> {
          Bytes key = new Bytes(k);
          Group g = cache.containsKey(key) ? cache.get(key) : deserialize(key, v);
          if (g.windows.stream().anyMatch(w -> w.changed && !w.fired)) {
            cache.putIfAbsent(key, g);
            earlyChanged.add(key);
          }
          return true;
        });
  }

  @Override
  public void flush(long watermark, Emitter out) {
    emitCorrections(watermark, out);
    for (Bytes key : dirty) {
      Group g = cache.get(key);
      if (g != null) {
        store.put(key.get(), serialize(g));
      }
    }
    dirty.clear();
    if (cache.size() > CACHE_LIMIT) {
      cache.clear();
      earlyChanged.clear();
    }
  }

  @Override
  public void finish(long watermark, Emitter out) {
    flush(watermark, out);
    cache.clear();
    earlyChanged.clear();
    List<byte[]> keys = new ArrayList<>();
    store.scan(
        new byte[] {GROUPS},
        new byte[] {GROUPS + 1},
        (k, v) -> {
          keys.add(k);
          return true;
        });
    for (byte[] k : keys) {
      Bytes key = new Bytes(k);
      Group g = load(key, null);
      for (OpenWindow w : g.windows) {
        if (!w.emitted || w.changed) {
          emit(g, w, out);
        }
      }
      store.put(k, serialize(g));
      cache.remove(key);
    }
  }

  private void emit(Group g, OpenWindow w, Emitter out) {
    Row row = keyRow(g, w);
    int at = 2 + g.key.length;
    for (int i = 0; i < w.accumulators.length; i++) {
      row.set(at + i, w.accumulators[i].result());
    }
    try {
      out.emitResult(row);
    } catch (RecordException e) {
      out.refused(row, origin(g, w), "sink", e.getMessage());
    }
    w.emitted = true;
    w.changed = false;
  }

  private void retract(Group g, OpenWindow w, Emitter out) {
    Row keyRow = keyRow(g, w);
    try {
      out.retract(keyRow);
    } catch (RecordException e) {
      out.refused(keyRow, origin(g, w), "sink delete", e.getMessage());
    }
  }

  /** {@code transforms[1].window [start, end) group [eu]}. */
  private String origin(Group g, OpenWindow w) {
    return name + " [" + time(w.start) + ", " + time(w.end) + ") group " + Arrays.toString(g.key);
  }

  private Row keyRow(Group g, OpenWindow w) {
    Row row = new Row(2 + g.key.length + functions.size());
    row.set(0, w.start);
    row.set(1, w.end);
    for (int i = 0; i < g.key.length; i++) {
      row.set(2 + i, g.key[i]);
    }
    return row;
  }

  private void timer(long time, Bytes key) {
    store.put(timerKey(time, key.get()), new byte[0]);
    if (nextTimer != Long.MIN_VALUE) {
      nextTimer = Math.min(nextTimer, time);
    }
  }

  /** Where a rescale puts this step's state: a group's windows and timers to the group's task. */
  static StateRouting routing(KeyColumns group) {
    return (k, v, to) -> {
      int from = k.length >= 1 && k[0] == GROUPS ? 1 : k.length >= 9 && k[0] == TIMERS ? 9 : -1;
      if (from < 0) {
        throw new IllegalArgumentException("Not an entry of a window's state: " + new Bytes(k));
      }
      to.put(to.owner(group.storedHash(k, from)), k, v);
    };
  }

  /** {@code 0x02, time, group key without its 0x01 prefix}. */
  private static byte[] timerKey(long time, byte[] groupKey) {
    int rest = Math.max(0, groupKey.length - 1);
    byte[] k = new byte[9 + rest];
    k[0] = TIMERS;
    ValueCodec.writeLongOrdered(k, 1, time);
    if (rest > 0) {
      System.arraycopy(groupKey, 1, k, 9, rest);
    }
    return k;
  }

  /** The group from the cache or the store; a new empty one if {@code keyValues} is given. */
  private Group load(Bytes key, Object[] keyValues) {
    Group g = cache.get(key);
    if (g != null) {
      return g;
    }
    byte[] stored = store.get(key.get());
    if (stored != null) {
      g = deserialize(key, stored);
    } else if (keyValues != null) {
      g = new Group(keyValues, new ArrayList<>());
    } else {
      return null;
    }
    cache.put(key, g);
    return g;
  }

  private byte[] serialize(Group g) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeByte(FORMAT_VERSION);
      out.writeInt(g.windows.size());
      for (OpenWindow w : g.windows) {
        w.write(out);
      }
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Group deserialize(Bytes key, byte[] stored) {
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(stored));
      int version = in.readUnsignedByte();
      if (version != FORMAT_VERSION) {
        throw new PipelineException(
            "Window state written by a newer lakestream (format version " + version + ")");
      }
      int count = in.readInt();
      List<OpenWindow> windows = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        windows.add(OpenWindow.read(in, functions));
      }
      byte[] k = key.get();
      Object[] values = ValueCodec.decodeKey(group.schema(), Arrays.copyOfRange(k, 1, k.length));
      return new Group(values, windows);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
