package io.lakestream.core.runtime;

import io.lakestream.core.sink.Committable;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The pipeline's measurements, shared by its tasks: record counters the tasks add to on their hot
 * path (names are stable: {@code records.in}, {@code records.out}, {@code records.filtered}, {@code
 * records.dead-lettered}, {@code records.skipped}, {@code records.duplicates}, {@code
 * records.late}, {@code records.deleted}), and what the checkpoint loop and the table commits
 * report. Everything else (source lag, state size, exchange fill) is asked for only when {@link
 * #samples} is called, so a scrape costs the records nothing.
 */
public final class PipelineMetrics {
  final LongAdder in = new LongAdder();
  final LongAdder out = new LongAdder();
  final LongAdder filtered = new LongAdder();
  final LongAdder deadLettered = new LongAdder();
  final LongAdder skipped = new LongAdder();
  final LongAdder duplicates = new LongAdder();
  final LongAdder late = new LongAdder();
  final LongAdder deleted = new LongAdder();
  final LongAdder tombstones = new LongAdder();
  final LongAdder alreadyCommitted = new LongAdder();

  private final Map<String, TableMetrics> tables = new ConcurrentSkipListMap<>();
  private final List<Exchange> exchanges = new CopyOnWriteArrayList<>();
  private final List<KeyedTask> keyedTasks = new CopyOnWriteArrayList<>();
  private volatile Probes probes = Probes.NONE;

  // written by the checkpoint loop's thread only
  private volatile long checkpoints;
  private volatile long checkpointNanos;
  private volatile long lastCheckpointNanos = -1;
  private volatile long lastCheckpointBytes = -1;
  private volatile long checkpointFailures;
  private volatile long lastCheckpointId = -1;
  private volatile long lastCompletedMillis = -1;
  private volatile Map<String, Long> newestEventMicros = Map.of();

  /**
   * What a run can be asked at scrape time.
   *
   * @param lag the records each split holds beyond the last commit; may throw when unknown
   * @param waitingSince given splits with a lag, the timestamp (epoch millis) of the first record
   *     each holds beyond the last commit; may throw or leave splits out when unknown
   * @param stateDir the state directory, or null for a pipeline without state
   * @param eventTimeTable the table whose freshness the source's event time tells, or null
   * @param outOfOrderMicros the allowed out-of-orderness of event time
   */
  record Probes(
      Supplier<Map<String, Long>> lag,
      Function<Set<String>, Map<String, Long>> waitingSince,
      Path stateDir,
      String eventTimeTable,
      long outOfOrderMicros) {
    static final Probes NONE = new Probes(Map::of, splits -> Map.of(), null, null, 0);
  }

  /** Tells the metrics what the run can be asked at scrape time. */
  void probe(Probes runProbes) {
    this.probes = runProbes;
  }

  /** The measurements of one table's commits, created at its first use. */
  TableMetrics table(String name) {
    return tables.computeIfAbsent(name, n -> new TableMetrics());
  }

  /** Reports the state keys of {@code task} as of its last snapshot at scrape time. */
  void watch(KeyedTask task) {
    keyedTasks.add(task);
  }

  /** Reports the fill of {@code exchange} at scrape time. */
  void watch(Exchange exchange) {
    exchanges.add(exchange);
  }

  /** The run resumed after checkpoint {@code id}, which an earlier run committed. */
  void recovered(long id) {
    if (id > 0) {
      lastCheckpointId = id;
    }
  }

  /**
   * A checkpoint completed at {@code nowMillis} after {@code nanos}: committed as checkpoint {@code
   * id}, or (when {@code outcome.committed()} is false) with nothing new to commit.
   */
  void checkpointCompleted(
      long id, CheckpointCoordinator.Outcome outcome, long nanos, long nowMillis) {
    lastCompletedMillis = nowMillis;
    if (!outcome.committed()) {
      return;
    }
    long bytes = 0;
    Map<String, Long> newest = new HashMap<>(newestEventMicros);
    for (TaskSnapshot s : outcome.snapshots()) {
      for (List<Committable> list : s.committables().values()) {
        for (Committable c : list) {
          bytes += c.bytes().length;
        }
      }
      for (byte[] state : s.state().values()) {
        bytes += state.length;
      }
      newest.putAll(WatermarkTracker.newestEventTimes(s.state()));
    }
    newestEventMicros = Map.copyOf(newest);
    lastCheckpointBytes = bytes;
    lastCheckpointNanos = nanos;
    checkpointNanos += nanos;
    checkpoints++;
    lastCheckpointId = id;
  }

  /** A checkpoint failed; the run ends. */
  void checkpointFailed() {
    checkpointFailures++;
  }

  /** Rows this run's commits added, over every table. */
  long committedRecords() {
    return tables.values().stream().mapToLong(t -> t.records.sum()).sum();
  }

  /** When the last checkpoint completed, epoch millis; -1 before the first one of this run. */
  long lastCompletedMillis() {
    return lastCompletedMillis;
  }

  /**
   * The value of every metric of {@link Metrics} this pipeline has now, except the lifecycle ones
   * its {@link Pipeline} adds. Asks the source for its lag (a few seconds at most) and walks the
   * state directory.
   */
  List<Metric.Sample> samples(String pipeline, String writer, long nowMillis) {
    List<String> p = List.of(pipeline, writer);
    List<Metric.Sample> out = new ArrayList<>();
    Snapshot m = snapshot();
    out.add(Metrics.RECORDS_IN.sample(p, m.in()));
    out.add(Metrics.RECORDS_OUT.sample(p, m.out()));
    out.add(Metrics.RECORDS_FILTERED.sample(p, m.filtered()));
    out.add(Metrics.RECORDS_DEAD_LETTERED.sample(p, m.deadLettered()));
    out.add(Metrics.RECORDS_SKIPPED.sample(p, m.skipped()));
    out.add(Metrics.RECORDS_DUPLICATES.sample(p, m.duplicates()));
    out.add(Metrics.RECORDS_LATE.sample(p, m.late()));
    out.add(Metrics.RECORDS_DELETED.sample(p, m.deleted()));
    out.add(Metrics.RECORDS_TOMBSTONES.sample(p, m.tombstones()));
    out.add(Metrics.RECORDS_ALREADY_COMMITTED.sample(p, m.alreadyCommitted()));

    Probes run = probes;
    Map<String, Long> newest = newestEventMicros;
    if (!newest.isEmpty()) {
      long watermark = Long.MAX_VALUE;
      long newestOfAll = Long.MIN_VALUE;
      for (Map.Entry<String, Long> e : newest.entrySet()) {
        out.add(
            Metrics.SOURCE_EVENT_TIME.sample(
                List.of(pipeline, writer, e.getKey()), seconds(e.getValue())));
        watermark = Math.min(watermark, e.getValue() - run.outOfOrderMicros());
        newestOfAll = Math.max(newestOfAll, e.getValue());
      }
      double nowSeconds = nowMillis / 1000.0;
      out.add(Metrics.WATERMARK.sample(p, seconds(watermark)));
      out.add(Metrics.WATERMARK_LAG.sample(p, nowSeconds - seconds(watermark)));
      if (run.eventTimeTable() != null) {
        out.add(
            Metrics.TABLE_FRESHNESS.sample(
                List.of(pipeline, writer, run.eventTimeTable()),
                nowSeconds - seconds(newestOfAll)));
      }
    }

    out.add(Metrics.CHECKPOINT_DURATION.summary(p, checkpoints, checkpointNanos / 1e9));
    out.add(Metrics.CHECKPOINT_FAILURES.sample(p, checkpointFailures));
    if (lastCheckpointNanos >= 0) {
      out.add(Metrics.CHECKPOINT_LAST_DURATION.sample(p, lastCheckpointNanos / 1e9));
      out.add(Metrics.CHECKPOINT_LAST_BYTES.sample(p, lastCheckpointBytes));
    }
    if (lastCheckpointId >= 0) {
      out.add(Metrics.CHECKPOINT_LAST_ID.sample(p, lastCheckpointId));
    }
    if (lastCompletedMillis >= 0) {
      out.add(Metrics.CHECKPOINT_LAST_COMPLETED.sample(p, lastCompletedMillis / 1000.0));
    }

    tables.forEach(
        (name, t) -> {
          List<String> labels = List.of(pipeline, writer, name);
          out.add(
              Metrics.TABLE_COMMIT_DURATION.summary(
                  labels, t.commits.sum(), t.commitNanos.sum() / 1e9));
          out.add(Metrics.TABLE_COMMIT_FAILURES.sample(labels, t.failures.sum()));
          out.add(Metrics.TABLE_COMMITTED_FILES.sample(labels, t.files.sum()));
          out.add(Metrics.TABLE_COMMITTED_RECORDS.sample(labels, t.records.sum()));
          out.add(Metrics.TABLE_COMMITTED_BYTES.sample(labels, t.bytes.sum()));
          if (t.lastCommitMillis >= 0) {
            out.add(Metrics.TABLE_LAST_COMMIT.sample(labels, t.lastCommitMillis / 1000.0));
          }
        });

    if (run.stateDir() != null) {
      out.add(Metrics.STATE_BYTES.sample(p, bytesUnder(run.stateDir())));
    }
    long keys = 0;
    boolean snapshotted = false;
    for (KeyedTask t : keyedTasks) {
      long k = t.stateKeys();
      if (k >= 0) {
        keys += k;
        snapshotted = true;
      }
    }
    if (snapshotted) {
      out.add(Metrics.STATE_KEYS.sample(p, keys));
    }
    for (int i = 0; i < exchanges.size(); i++) {
      out.add(
          Metrics.EXCHANGE_FILL.sample(
              List.of(pipeline, writer, String.valueOf(i)), exchanges.get(i).fill()));
    }
    // last: the lag is then of positions at least as new as the commits counted above
    try {
      sourceLag(pipeline, writer, nowMillis, run, out);
    } catch (RuntimeException e) {
      // the source did not answer in time: no lag this scrape, rather than a wrong one
    }
    return out;
  }

  /**
   * The lag of each split in records and in seconds: 0 seconds when the split holds nothing beyond
   * the last commit, else now minus the timestamp of the first record beyond it (absent when the
   * source does not tell it in time).
   */
  private static void sourceLag(
      String pipeline, String writer, long nowMillis, Probes run, List<Metric.Sample> out) {
    Map<String, Long> lag = run.lag().get();
    Set<String> behind = new HashSet<>();
    lag.forEach(
        (split, records) -> {
          out.add(Metrics.SOURCE_LAG.sample(List.of(pipeline, writer, split), records));
          if (records > 0) {
            behind.add(split);
          } else {
            out.add(Metrics.SOURCE_LAG_SECONDS.sample(List.of(pipeline, writer, split), 0));
          }
        });
    if (!behind.isEmpty()) {
      run.waitingSince()
          .apply(behind)
          .forEach(
              (split, since) ->
                  out.add(
                      Metrics.SOURCE_LAG_SECONDS.sample(
                          List.of(pipeline, writer, split),
                          Math.max(0, nowMillis - since) / 1000.0)));
    }
  }

  private static double seconds(long micros) {
    return micros / (double) TimeUnit.SECONDS.toMicros(1);
  }

  /**
   * The bytes of the files under {@code dir}, a file hard-linked twice (a state snapshot sharing
   * the live store's files) counted once; files that vanish while it is walked count 0.
   */
  static long bytesUnder(Path dir) {
    long[] total = {0};
    Set<Object> seen = new HashSet<>();
    try {
      Files.walkFileTree(
          dir,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
              Object key = attrs.fileKey();
              if (key == null || seen.add(key)) {
                total[0] += attrs.size();
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
              return FileVisitResult.CONTINUE; // deleted by a compaction meanwhile
            }
          });
    } catch (IOException e) {
      return 0;
    }
    return total[0];
  }

  /** A consistent-enough copy of the counters for status lines and results. */
  public Snapshot snapshot() {
    return new Snapshot(
        in.sum(),
        out.sum(),
        filtered.sum(),
        deadLettered.sum(),
        skipped.sum(),
        duplicates.sum(),
        late.sum(),
        deleted.sum(),
        tombstones.sum(),
        alreadyCommitted.sum());
  }

  /**
   * The counters at one moment.
   *
   * @param in records read from the source
   * @param out rows written to the output table
   * @param filtered records a filter dropped
   * @param deadLettered bad records written to the dead-letter table
   * @param skipped bad records counted, logged and dropped by the {@code skip} policy
   * @param duplicates records a dedupe dropped
   * @param late records too late for their window, written to the late-records table
   * @param deleted rows removed by delete changes
   * @param tombstones records with a null value that were skipped
   * @param alreadyCommitted records read again after a restart whose rows the table already held,
   *     so they were not written again
   */
  public record Snapshot(
      long in,
      long out,
      long filtered,
      long deadLettered,
      long skipped,
      long duplicates,
      long late,
      long deleted,
      long tombstones,
      long alreadyCommitted) {}
}
