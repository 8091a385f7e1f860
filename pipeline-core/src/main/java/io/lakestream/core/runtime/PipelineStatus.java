package io.lakestream.core.runtime;

import io.lakestream.core.error.Failures;
import io.lakestream.core.inspect.TableDescription;
import io.lakestream.core.inspect.TableInspector;
import io.lakestream.core.inspect.TableInspectors;
import io.lakestream.core.source.ReportsProgress;
import io.lakestream.core.source.Source;
import io.lakestream.core.spec.PipelineSpec;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Where a pipeline stands, read from what it leaves behind, so it works while the pipeline runs and
 * after it stopped or crashed: whether a process holds its checkpoint directory, its last
 * checkpoint, each table's last commit of the pipeline, the source's lag behind the committed
 * positions, the event-time progress and state key count the checkpoint holds, and the recent
 * errors of its {@link ErrorLog}. With {@code checkpoint.dir} in object storage, the checkpoint,
 * state size and errors are read from there ({@link StoredCheckpoints}).
 *
 * @param pipeline the pipeline id
 * @param at when the status was read
 * @param runningBy who holds the checkpoint directory (process id, host, since when), or null when
 *     no process runs the pipeline
 * @param checkpoint the newest persisted checkpoint, or null
 * @param checkpointLocation where the checkpoints were read: the local directory or the remote URI
 * @param checkpointProblem why the checkpoints cannot be read, or null
 * @param tables each table's last commit by each writer of the pipeline, in the order of the spec
 * @param lag the records each split holds beyond the committed positions; empty when unknown
 * @param lagProblem why the lag is unknown, or null
 * @param newestEventTimes the newest event time per split the checkpoint holds (pipelines with
 *     event time and a keyed step)
 * @param watermark the source watermark the checkpoint holds, or null
 * @param stateBytes bytes under the state directory (or of the state snapshots stored remotely), or
 *     null for a pipeline without one
 * @param stateKeys the keys of the keyed state as of the checkpoint (the state store's estimate),
 *     or null when the checkpoint records none
 * @param errors the recent errors, oldest first
 */
public record PipelineStatus(
    String pipeline,
    Instant at,
    String runningBy,
    CheckpointInfo checkpoint,
    String checkpointLocation,
    String checkpointProblem,
    List<TableStatus> tables,
    Map<String, Long> lag,
    String lagProblem,
    Map<String, Instant> newestEventTimes,
    Instant watermark,
    Long stateBytes,
    Long stateKeys,
    List<ErrorLog.Entry> errors) {

  /** How long the source gets to tell its lag. */
  static final Duration SOURCE_TIMEOUT = Duration.ofSeconds(10);

  /**
   * A persisted checkpoint.
   *
   * @param id its id
   * @param createdAt when it was taken
   * @param positions where each split stood, by split id
   */
  public record CheckpointInfo(long id, Instant createdAt, Map<String, Long> positions) {}

  /**
   * One table's last commit by one writer of the pipeline, as the table's current version records
   * it.
   *
   * @param table the table
   * @param writer the writer's name
   * @param checkpointId the checkpoint the commit holds, or null when the pipeline has not
   *     committed to the table
   * @param committedAt when, or null
   * @param rows rows the table holds now (before deletes), or null when it cannot be read
   * @param problem why the table cannot be read, or null
   */
  public record TableStatus(
      String table,
      String writer,
      Long checkpointId,
      Instant committedAt,
      Long rows,
      String problem) {}

  /**
   * Reads the status of {@code spec}'s pipeline. Never fails for a part it cannot read: the part
   * says why instead.
   */
  public static PipelineStatus read(PipelineSpec spec, Clock clock) {
    Path dir = spec.checkpoint().dir();
    StoredCheckpoints stored;
    String checkpointProblem = null;
    try {
      stored = StoredCheckpoints.read(spec.checkpoint());
    } catch (RuntimeException e) {
      checkpointProblem = Failures.describe(e);
      stored =
          new StoredCheckpoints(
              String.valueOf(spec.checkpoint().remote() == null ? dir : spec.checkpoint().remote()),
              Optional.empty(),
              List.of(),
              null);
    }
    Optional<Checkpoint> latest = stored.latest();
    CheckpointInfo checkpoint =
        latest
            .map(
                c ->
                    new CheckpointInfo(
                        c.id(), Instant.ofEpochMilli(c.createdAtMillis()), c.positions()))
            .orElse(null);
    List<TableStatus> tables = tables(spec, latest);
    Map<String, Long> positions = latest.map(Checkpoint::positions).orElse(Map.of());
    Map<String, Long> lag = Map.of();
    String lagProblem = null;
    try {
      lag = lag(spec, positions, clock);
    } catch (RuntimeException e) {
      lagProblem = Failures.describe(e);
    }
    Instant watermark = latest.map(c -> watermark(spec, c)).orElse(null);
    Map<String, Instant> newest = new TreeMap<>();
    if (watermark != null) {
      WatermarkTracker.newestEventTimes(latest.get().state())
          .forEach((split, micros) -> newest.put(split, micros(micros)));
    }
    Long stateKeys =
        latest
            .filter(c -> !c.stateKeys().isEmpty())
            .map(c -> c.stateKeys().values().stream().mapToLong(Long::longValue).sum())
            .orElse(null);
    return new PipelineStatus(
        spec.pipeline(),
        clock.instant(),
        CheckpointStore.holder(dir).orElse(null),
        checkpoint,
        stored.location(),
        checkpointProblem,
        tables,
        lag,
        lagProblem,
        newest,
        watermark,
        stored.stateBytes(),
        stateKeys,
        stored.errors());
  }

  /**
   * The watermark a checkpoint of {@code spec} holds: the oldest split's newest event time less the
   * out-of-orderness; null without event time or before any event.
   */
  public static Instant watermark(PipelineSpec spec, Checkpoint checkpoint) {
    if (spec.eventTime() == null) {
      return null;
    }
    long outOfOrder = WatermarkTracker.micros(spec.eventTime().maxOutOfOrderness());
    Map<String, Long> newest = WatermarkTracker.newestEventTimes(checkpoint.state());
    return newest.isEmpty()
        ? null
        : micros(
            newest.values().stream().mapToLong(Long::longValue).min().getAsLong() - outOfOrder);
  }

  private static Instant micros(long micros) {
    return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
  }

  /** The tables the spec writes, then any other the checkpoint names. */
  private static List<TableStatus> tables(PipelineSpec spec, Optional<Checkpoint> latest) {
    Set<String> names = new LinkedHashSet<>(spec.outputTables());
    latest.ifPresent(c -> names.addAll(new TreeMap<>(c.committables()).keySet()));
    Object section = spec.sink().config().get("catalog");
    Map<String, ?> catalog = section instanceof Map<?, ?> m ? cast(m) : null;
    List<TableStatus> result = new ArrayList<>();
    try (TableInspector inspector = TableInspectors.open(catalog)) {
      for (String name : names) {
        result.addAll(table(inspector, name, spec));
      }
    } catch (RuntimeException e) {
      String problem = Failures.describe(e);
      for (String name : names) {
        if (result.stream().noneMatch(t -> t.table().equals(name))) {
          result.add(new TableStatus(name, spec.writer(), null, null, null, problem));
        }
      }
    }
    return result;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, ?> cast(Map<?, ?> m) {
    return (Map<String, ?>) m;
  }

  /**
   * One row per writer of the pipeline that committed to the table; one row for the spec's writer,
   * without a checkpoint, when none did.
   */
  private static List<TableStatus> table(TableInspector inspector, String name, PipelineSpec spec) {
    TableDescription d;
    try {
      d = inspector.describe(name, 0);
    } catch (RuntimeException e) {
      return List.of(new TableStatus(name, spec.writer(), null, null, null, Failures.describe(e)));
    }
    List<TableStatus> rows = new ArrayList<>();
    for (TableDescription.WriterCheckpoint w : d.writers()) {
      if (w.writer().pipeline().equals(spec.pipeline())) {
        rows.add(
            new TableStatus(
                name,
                w.writer().name(),
                w.checkpointId(),
                w.committedAt(),
                d.totals().records(),
                null));
      }
    }
    if (rows.isEmpty()) {
      rows.add(new TableStatus(name, spec.writer(), null, null, d.totals().records(), null));
    }
    return rows;
  }

  /**
   * Asks the source, within {@link #SOURCE_TIMEOUT}, how far each split is beyond {@code
   * positions}.
   */
  private static Map<String, Long> lag(
      PipelineSpec spec, Map<String, Long> positions, Clock clock) {
    CompletableFuture<Map<String, Long>> answer =
        CompletableFuture.supplyAsync(
            () -> {
              try (Source<?> source =
                  Pipeline.sourceFactory(spec).open(spec.source(), spec.pipeline(), clock)) {
                if (!(source instanceof ReportsProgress progress)) {
                  throw new UnsupportedOperationException(
                      "the source " + source.describe() + " does not tell its lag");
                }
                source.splits();
                return new TreeMap<>(progress.lag(positions));
              }
            });
    try {
      return answer.get(SOURCE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r
          ? r
          : new IllegalStateException(e.getCause());
    } catch (TimeoutException e) {
      answer.cancel(true);
      throw new IllegalStateException(
          "the source did not answer within " + SOURCE_TIMEOUT.toSeconds() + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while asking the source for its lag");
    }
  }
}
