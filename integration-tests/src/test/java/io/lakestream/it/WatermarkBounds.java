package io.lakestream.it;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Bounds on the watermark at the moment a record reaches the window step, whatever the interleaving
 * of partitions, the tasks' speeds and the restarts. The reference model classifies a record only
 * where these bounds make the classification certain.
 *
 * <p>The tests' procedure guarantees three things:
 *
 * <ol>
 *   <li>phase {@code k} is produced only after a checkpoint holding every record of the earlier
 *       phases is committed (the test waits for the table's source positions);
 *   <li>a phase produced while a pipeline runs goes to a single partition; any other phase is
 *       complete in Kafka before a run reads it;
 *   <li>a partition with records left to read is not idle: it is idle once it is caught up and has
 *       delivered nothing for {@code idle-timeout}.
 * </ol>
 *
 * <p>Upper bound: a partition's watermark is its newest event time minus the out-of-orderness, the
 * pipeline's the smallest over the partitions that are not idle, and it never goes back. While
 * record {@code r} of partition {@code p} is unread, {@code p} is not idle (2, 3), so the watermark
 * cannot pass {@code p}'s own watermark, except as far as earlier phases took it. So it is at most
 * {@code max(newest of earlier phases, newest of p up to r) - out-of-orderness}. A restart restores
 * a checkpoint's watermark with the positions it was computed from, which keeps the bound.
 *
 * <p>Lower bound for phase {@code k}: once every record of phase {@code k - 1} is read, each
 * partition's watermark is at least its newest event time minus the out-of-orderness, so the
 * pipeline's is at least the smallest of these; that checkpoint is committed before phase {@code k}
 * exists (1), and the watermark never goes back, also across restarts. This needs every partition
 * of the topic to have had data: an empty partition counts as idle only after a timeout, and if
 * every partition is idle the watermark stays where it was.
 */
final class WatermarkBounds {
  private final long outOfOrderness;
  private final Map<String, Long> upper = new HashMap<>();
  private final TreeMap<Integer, Long> newestBeforePhase = new TreeMap<>();
  private final TreeMap<Integer, Long> lowerByPhase = new TreeMap<>();

  WatermarkBounds(List<SentEvent> sent, int topicPartitions, long outOfOrdernessMillis) {
    this.outOfOrderness = outOfOrdernessMillis;
    TreeMap<Integer, Long> newestOfPhase = new TreeMap<>();
    for (SentEvent s : sent) {
      newestOfPhase.merge(s.phase(), s.event().eventTime(), Math::max);
    }
    long newest = Long.MIN_VALUE;
    for (Map.Entry<Integer, Long> e : newestOfPhase.entrySet()) {
      newestBeforePhase.put(e.getKey(), newest);
      newest = Math.max(newest, e.getValue());
    }
    newestBeforePhase.put(newestOfPhase.isEmpty() ? 1 : newestOfPhase.lastKey() + 1, newest);

    List<SentEvent> byPosition =
        sent.stream()
            .sorted(
                Comparator.comparingInt(SentEvent::partition).thenComparingLong(SentEvent::offset))
            .toList();
    Map<Integer, Long> newestOfPartition = new HashMap<>();
    for (SentEvent s : byPosition) {
      long partitionNewest =
          newestOfPartition.merge(s.partition(), s.event().eventTime(), Math::max);
      long before = newestBeforePhase.get(s.phase());
      upper.put(s.coordinates(), subtract(Math.max(before, partitionNewest)));
    }

    // the lower bound for phase k: the best of "every partition read up to the end of phase j < k"
    long best = Long.MIN_VALUE;
    for (int phase : newestBeforePhase.keySet()) {
      lowerByPhase.put(phase, best);
      Map<Integer, Long> newestUpTo = new HashMap<>();
      for (SentEvent s : sent) {
        if (s.phase() <= phase) {
          newestUpTo.merge(s.partition(), s.event().eventTime(), Math::max);
        }
      }
      if (newestUpTo.size() == topicPartitions) {
        long smallest = newestUpTo.values().stream().mapToLong(Long::longValue).min().orElseThrow();
        best = Math.max(best, subtract(smallest));
      }
    }
  }

  private long subtract(long eventTime) {
    return eventTime == Long.MIN_VALUE ? Long.MIN_VALUE : eventTime - outOfOrderness;
  }

  /** The highest the watermark can be when {@code record} reaches the window step. */
  long upper(SentEvent record) {
    return upper.get(record.coordinates());
  }

  /**
   * The lowest the watermark can be when any record of {@code phase} reaches the window step, or
   * {@link Long#MIN_VALUE} when nothing is known. Also defined for the phase after the last one.
   */
  long lower(int phase) {
    Map.Entry<Integer, Long> e = lowerByPhase.floorEntry(phase);
    return e == null ? Long.MIN_VALUE : e.getValue();
  }

  /** The highest the watermark can ever be after the records seen here. */
  long highest() {
    return subtract(newestBeforePhase.lastEntry().getValue());
  }
}
