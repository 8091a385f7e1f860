package io.lakestream.core.runtime;

import io.lakestream.core.error.Failures;
import io.lakestream.core.runtime.PhaseListener.Phase;
import io.lakestream.core.sink.Committable;
import io.lakestream.core.sink.SinkCommitter;
import io.lakestream.core.sink.SinkCommitter.CommittedCheckpoint;
import io.lakestream.core.spec.Units;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the exactly-once commit protocol. This class is the only place that orders its steps. For
 * checkpoint {@code n}:
 *
 * <ol>
 *   <li>the coordinator begins the transactions of the tables whose committers have them (the rows
 *       after barrier {@code n} go into them) and asks every task for barrier {@code n} ({@link
 *       Task#barrier}); each answers on its own thread through {@link TaskControl}:
 *       <ul>
 *         <li>a source task, between poll batches where its reader is at a boundary (between
 *             transactions for a database's log), records each split's position after the last
 *             record it took, and its event-time progress; then it sends barrier {@code n} into
 *             every exchange channel after the events before it;
 *         <li>a keyed task aligns: once barrier {@code n} has come from one upstream task, that
 *             channel is not read until it has come from all. Then the operator flushes, the
 *             barrier goes downstream, and the state store is snapshotted, so the snapshot holds
 *             exactly the effect of the events before the barrier;
 *         <li>then every task's writers close their files and return committables for {@code n}
 *             ({@link Phase#PREPARED}), and join the transactions begun before the barrier. A task
 *             whose reader has no position yet (an initial snapshot in progress) answers with
 *             nothing: its files stay open for a later one;
 *       </ul>
 *   <li>the checkpoint (positions, state handles and every table's committables) is persisted
 *       atomically: write, fsync, rename, fsync directory ({@link Phase#PERSISTED});
 *   <li>each table commits the committables of {@code n} in ONE atomic table commit that records
 *       the pipeline id, {@code n} and the positions ({@link Phase#COMMITTED});
 *   <li>only then are sources acknowledged ({@link Phase#ACKNOWLEDGED}).
 * </ol>
 *
 * <p>Rules that make it exactly once:
 *
 * <ul>
 *   <li>At most one checkpoint is in flight; {@code n + 1} starts only after {@code n} is committed
 *       to every table, so the newest persisted checkpoint is the only one that can be uncommitted.
 *   <li>A table commit is idempotent: the table records the last checkpoint committed for this
 *       pipeline and a committer skips a checkpoint it already holds.
 *   <li>Recovery loads the newest persisted checkpoint and commits it to every table that does not
 *       record it yet, then resumes every source at its positions. With no persisted checkpoint,
 *       each table's recorded positions are used: sources resume at the lowest of them and each
 *       table skips the records it already holds (its floor).
 *   <li>Nothing persisted but uncommitted is ever cleaned up; a commit whose outcome is unknown is
 *       reconciled by reading the table, never retried blindly.
 *   <li>Before anything is committed, every table is fenced: a second instance of the pipeline
 *       makes the first one's commits fail instead of writing twice.
 * </ul>
 */
public final class CheckpointCoordinator {
  private static final Logger LOG = LoggerFactory.getLogger(CheckpointCoordinator.class);

  /** How long a checkpoint still waits for its tasks once the pipeline is asked to stop. */
  public static final Duration STOP_GRACE = Duration.ofSeconds(30);

  private static final long WAIT_TICK_MILLIS = 100;

  private final String pipelineId;
  private final CheckpointStore store;
  private final Map<String, SinkCommitter> tables;
  private final Consumer<Map<String, Long>> acknowledger;
  private final PhaseListener listener;
  private final Clock clock;
  private final Duration timeout;
  private final Backoff backoff;
  private final int keyGroups;
  private final CheckpointTransactions transactions;
  private volatile Map<String, Long> lastPositions = Map.of();
  private volatile Activity activity;

  /**
   * @param tables the committers of every table the pipeline writes, by table name
   * @param acknowledger tells the source which positions are committed (step 4)
   * @param timeout how long a checkpoint waits for its tasks' snapshots before it is aborted
   * @param retries how a table commit that fails for a reason that may pass is tried again
   * @param keyGroups the key groups the tasks' keyed state is split into, recorded in every
   *     checkpoint; 0 without keyed state
   * @param transactions the tables' transactions, begun at recovery and before every barrier
   */
  public CheckpointCoordinator(
      String pipelineId,
      CheckpointStore store,
      Map<String, SinkCommitter> tables,
      Consumer<Map<String, Long>> acknowledger,
      PhaseListener listener,
      Clock clock,
      Duration timeout,
      Backoff retries,
      int keyGroups,
      CheckpointTransactions transactions) {
    this.pipelineId = pipelineId;
    this.store = store;
    this.tables = new LinkedHashMap<>(tables);
    this.acknowledger = acknowledger;
    this.listener = listener;
    this.clock = clock;
    this.timeout = timeout;
    this.backoff = retries;
    this.keyGroups = keyGroups;
    this.transactions = transactions;
  }

  /**
   * Fences older instances, finishes what a previous run persisted but did not commit, and works
   * out where every split resumes.
   */
  public Recovery recover() throws InterruptedException {
    for (Map.Entry<String, SinkCommitter> t : tables.entrySet()) {
      backoff.run(
          "fence table " + t.getKey(),
          () -> {
            t.getValue().fence();
            return null;
          },
          this::doing);
    }
    Optional<Checkpoint> persisted = store.latest();
    Map<String, Optional<CommittedCheckpoint>> committed = new LinkedHashMap<>();
    for (Map.Entry<String, SinkCommitter> t : tables.entrySet()) {
      committed.put(
          t.getKey(),
          backoff.run(
              "read the last checkpoint of table " + t.getKey(),
              t.getValue()::lastCommitted,
              this::doing));
    }

    long maxId = persisted.map(Checkpoint::id).orElse(0L);
    for (Optional<CommittedCheckpoint> c : committed.values()) {
      maxId = Math.max(maxId, c.map(CommittedCheckpoint::checkpointId).orElse(0L));
    }

    Map<String, Map<String, Long>> floors = new HashMap<>();
    Map<String, Long> resume = new HashMap<>();
    if (persisted.isPresent()) {
      Checkpoint cp = persisted.get();
      LOG.info("Recovering pipeline {} from checkpoint {} in {}", pipelineId, cp.id(), store.dir());
      commitToTables(cp);
      resume.putAll(cp.positions());
      tables.forEach(
          (name, c) -> {
            Map<String, Long> floor = new HashMap<>(cp.positions());
            // a table ahead of the checkpoint store (restored state) keeps what it has
            committed
                .get(name)
                .ifPresent(t -> t.positions().forEach((s, o) -> floor.merge(s, o, Math::max)));
            floors.put(name, floor);
          });
      acknowledger.accept(cp.positions());
    } else {
      committed.forEach(
          (name, c) -> {
            Map<String, Long> floor = c.map(CommittedCheckpoint::positions).orElse(Map.of());
            floors.put(name, floor);
            floor.forEach((split, offset) -> resume.merge(split, offset, Math::min));
          });
      if (!resume.isEmpty()) {
        LOG.info(
            "No checkpoint in {}; resuming pipeline {} from the positions its tables record",
            store.dir(),
            pipelineId);
      }
    }
    lastPositions = Map.copyOf(resume);
    transactions.begin(); // the transactions the first rows are written into
    return new Recovery(
        maxId + 1,
        resume,
        floors,
        persisted.map(Checkpoint::state).orElse(Map.of()),
        persisted.map(Checkpoint::keyGroups).orElse(0));
  }

  /**
   * Takes checkpoint {@code id} across {@code tasks}: barrier, persist, commit, acknowledge. When
   * no task read anything since the last checkpoint, nothing is persisted or committed.
   *
   * <p>No step waits without a deadline: the tasks' snapshots are awaited at most {@code timeout},
   * and once {@code stopping} says the pipeline is asked to stop, at most {@link #STOP_GRACE} more.
   * A task that fails or dies while the checkpoint waits on it aborts the checkpoint at once.
   *
   * @return the task snapshots, and whether anything was committed
   * @throws CheckpointAbortedException if a task failed, or the deadline passed, before every task
   *     had answered (nothing of the checkpoint was persisted)
   * @throws IOException if the checkpoint cannot be persisted (nothing was committed)
   */
  public Outcome checkpoint(long id, List<Task> tasks, BooleanSupplier stopping)
      throws IOException, InterruptedException {
    transactions.begin(); // the tasks join them once past the barrier
    List<CompletableFuture<TaskSnapshot>> pending = new ArrayList<>();
    for (Task t : tasks) {
      pending.add(t.barrier(id));
    }
    doing("taking checkpoint " + id);
    try {
      List<TaskSnapshot> snapshots = awaitSnapshots(id, tasks, pending, stopping);
      listener.reached(Phase.PREPARED, id);

      Map<String, Long> positions = new HashMap<>();
      Map<String, List<Committable>> committables = new HashMap<>();
      Map<String, byte[]> state = new HashMap<>();
      Map<String, Long> stateKeys = new HashMap<>();
      tables.keySet().forEach(t -> committables.put(t, new ArrayList<>()));
      for (TaskSnapshot s : snapshots) {
        positions.putAll(s.positions());
        s.committables().forEach((t, list) -> committables.get(t).addAll(list));
        state.putAll(s.state());
        stateKeys.putAll(s.stateKeys());
      }
      boolean nothingWritten = committables.values().stream().allMatch(List::isEmpty);
      if (nothingWritten && positions.equals(lastPositions)) {
        return new Outcome(snapshots, false);
      }

      doing("persisting checkpoint " + id);
      Checkpoint cp =
          new Checkpoint(
              pipelineId, id, clock.millis(), positions, committables, state, keyGroups, stateKeys);
      store.persist(cp);
      listener.reached(Phase.PERSISTED, id);

      doing("committing checkpoint " + id);
      commitToTables(cp);
      listener.reached(Phase.COMMITTED, id);

      acknowledger.accept(positions);
      lastPositions = Map.copyOf(positions);
      listener.reached(Phase.ACKNOWLEDGED, id);
      return new Outcome(snapshots, true);
    } finally {
      activity = null;
    }
  }

  private List<TaskSnapshot> awaitSnapshots(
      long id,
      List<Task> tasks,
      List<CompletableFuture<TaskSnapshot>> pending,
      BooleanSupplier stopping)
      throws InterruptedException {
    long deadline = clock.millis() + timeout.toMillis();
    boolean stopSeen = false;
    List<TaskSnapshot> snapshots = new ArrayList<>();
    for (CompletableFuture<TaskSnapshot> f : pending) {
      while (true) {
        try {
          snapshots.add(f.get(WAIT_TICK_MILLIS, TimeUnit.MILLISECONDS));
          break;
        } catch (ExecutionException e) {
          throw new CheckpointAbortedException(
              "Checkpoint " + id + " aborted: " + Failures.describe(e.getCause()), e.getCause());
        } catch (TimeoutException e) {
          for (Task t : tasks) {
            if (t.fatalError() != null) {
              throw new CheckpointAbortedException(
                  "Checkpoint " + id + " aborted: " + Failures.describe(t.fatalError()),
                  t.fatalError());
            }
          }
          long now = clock.millis();
          if (!stopSeen && stopping.getAsBoolean()) {
            stopSeen = true;
            deadline = Math.min(deadline, now + STOP_GRACE.toMillis());
          }
          if (now >= deadline) {
            throw new CheckpointAbortedException(
                "Checkpoint "
                    + id
                    + " aborted: "
                    + (stopSeen
                        ? "the pipeline was asked to stop and its tasks did not answer within "
                            + Units.formatDuration(STOP_GRACE)
                        : "its tasks did not answer within checkpoint.timeout ("
                            + Units.formatDuration(timeout)
                            + ")")
                    + "; nothing of it was committed",
                null);
          }
        }
      }
    }
    return snapshots;
  }

  private void doing(String what) {
    activity = new Activity(what, clock.millis());
  }

  /**
   * What the coordinator is doing right now and since when (epoch millis of its clock), or null
   * between checkpoints. Read by the status line from another thread.
   */
  public Activity activity() {
    return activity;
  }

  /** A step of a checkpoint in progress. */
  public record Activity(String what, long sinceMillis) {}

  /**
   * What a checkpoint did.
   *
   * @param snapshots every task's snapshot
   * @param committed false when nothing had changed since the previous checkpoint
   */
  public record Outcome(List<TaskSnapshot> snapshots, boolean committed) {}

  /** The positions of the newest committed checkpoint (or where recovery resumed). */
  public Map<String, Long> lastPositions() {
    return lastPositions;
  }

  /**
   * Commits {@code cp} to every table; a commit that fails for a reason that may pass (the catalog
   * does not answer, another writer won a race) is tried again, which is safe because a table that
   * already holds the checkpoint skips it.
   */
  private void commitToTables(Checkpoint cp) throws InterruptedException {
    for (Map.Entry<String, SinkCommitter> table : tables.entrySet()) {
      String name = table.getKey();
      SinkCommitter.CommitResult r =
          backoff.run(
              "commit checkpoint " + cp.id() + " to " + name,
              () -> table.getValue().commit(cp.id(), cp.positions(), cp.committablesFor(name)),
              this::doing);
      if (!r.committed()) {
        LOG.info("Table {} already holds checkpoint {} of pipeline {}", name, cp.id(), pipelineId);
      }
    }
  }

  /** A checkpoint could not be taken because a task died; nothing of it was persisted. */
  public static final class CheckpointAbortedException extends RuntimeException {
    CheckpointAbortedException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
