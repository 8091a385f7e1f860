package io.lakestream.core.runtime;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The event-time progress of one source task's splits. A split's watermark is the newest event time
 * read from it minus the allowed out-of-orderness; the task's watermark is the smallest over its
 * active splits. A split is inactive when it has reached its end (bounded runs), or when it is read
 * up to the end of its log and has delivered nothing for the idle timeout: a split that is merely
 * slow to be read never stops holding the watermark back. The newest event time per split is part
 * of every checkpoint, so the watermark survives restarts.
 */
final class WatermarkTracker {
  private static final String STATE_PREFIX = "split:";

  private final Map<String, byte[]> restored;
  private final long outOfOrderMicros;
  private final long idleTimeoutNanos;
  private String[] splitIds = new String[0];
  private long[] newest = new long[0];
  private long[] lastRecordNanos = new long[0];
  private boolean[] touched = new boolean[0];
  private long sent = Long.MIN_VALUE;
  private boolean sentIdle;
  private boolean anySent;

  /**
   * @param restored the checkpointed state the splits' progress is restored from
   */
  WatermarkTracker(Map<String, byte[]> restored, long outOfOrderMicros, long idleTimeoutNanos) {
    this.restored = restored;
    this.outOfOrderMicros = outOfOrderMicros;
    this.idleTimeoutNanos = idleTimeoutNanos;
  }

  /** The task reads one more split, numbered after the ones before. */
  void addSplit(String splitId, long nowNanos) {
    int i = splitIds.length;
    splitIds = Arrays.copyOf(splitIds, i + 1);
    newest = Arrays.copyOf(newest, i + 1);
    lastRecordNanos = Arrays.copyOf(lastRecordNanos, i + 1);
    touched = Arrays.copyOf(touched, i + 1);
    splitIds[i] = splitId;
    byte[] state = restored.get(STATE_PREFIX + splitId);
    newest[i] = state == null ? Long.MIN_VALUE : ByteBuffer.wrap(state).getLong();
    lastRecordNanos[i] = nowNanos;
  }

  /** A record with event time {@code micros} was read from split {@code split}. */
  void observe(int split, long micros) {
    if (micros > newest[split]) {
      newest[split] = micros;
    }
    touched[split] = true;
  }

  /**
   * The watermark to send now, or null if it is what was sent last.
   *
   * @param caughtUp per split: read to the end of its log as far as the consumer knows
   * @param finished per split: at its end offset (bounded runs)
   */
  Signal.Watermark next(long nowNanos, boolean[] caughtUp, boolean[] finished) {
    long min = Long.MAX_VALUE;
    long minOfAll = Long.MAX_VALUE;
    boolean anyActive = false;
    for (int i = 0; i < newest.length; i++) {
      if (touched[i]) {
        lastRecordNanos[i] = nowNanos;
        touched[i] = false;
      }
      long w = newest[i] == Long.MIN_VALUE ? Long.MIN_VALUE : newest[i] - outOfOrderMicros;
      if (w != Long.MIN_VALUE) {
        minOfAll = Math.min(minOfAll, w); // a split without records holds nothing back
      }
      boolean idle =
          finished[i] || (caughtUp[i] && nowNanos - lastRecordNanos[i] >= idleTimeoutNanos);
      if (!idle) {
        anyActive = true;
        min = Math.min(min, w);
      }
    }
    boolean idle = !anyActive;
    long time =
        Math.max(sent, idle ? (minOfAll == Long.MAX_VALUE ? Long.MIN_VALUE : minOfAll) : min);
    if (anySent && time == sent && idle == sentIdle) {
      return null;
    }
    anySent = true;
    sent = time;
    sentIdle = idle;
    return new Signal.Watermark(time, idle);
  }

  /** The state to checkpoint: the newest event time per split. */
  void snapshot(Map<String, byte[]> into) {
    for (int i = 0; i < splitIds.length; i++) {
      if (newest[i] != Long.MIN_VALUE) {
        into.put(STATE_PREFIX + splitIds[i], ByteBuffer.allocate(8).putLong(newest[i]).array());
      }
    }
  }

  /** The newest event time per split, in micros, that a source task's checkpointed state holds. */
  static Map<String, Long> newestEventTimes(Map<String, byte[]> state) {
    Map<String, Long> result = new HashMap<>();
    state.forEach(
        (key, value) -> {
          if (key.startsWith(STATE_PREFIX)) {
            result.put(key.substring(STATE_PREFIX.length()), ByteBuffer.wrap(value).getLong());
          }
        });
    return result;
  }

  static long micros(java.time.Duration d) {
    return TimeUnit.NANOSECONDS.toMicros(d.toNanos());
  }
}
