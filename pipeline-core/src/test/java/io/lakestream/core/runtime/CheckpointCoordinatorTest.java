package io.lakestream.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.core.error.PipelineException;
import io.lakestream.core.error.RetriableException;
import io.lakestream.core.runtime.PhaseListener.Phase;
import io.lakestream.core.sink.Committable;
import io.lakestream.core.sink.SinkCommitter.CommittedCheckpoint;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointCoordinatorTest {
  private static final Duration RETRY_LIMIT = Duration.ofMillis(200);

  @TempDir Path dir;

  private final FakeTable output = new FakeTable();
  private final FakeTable deadLetter = new FakeTable();
  private final List<Map<String, Long>> acknowledged = new ArrayList<>();
  private final List<String> phases = new ArrayList<>();

  private CheckpointCoordinator coordinator(CheckpointStore store) {
    return coordinator(store, Clock.systemUTC());
  }

  private CheckpointCoordinator coordinator(CheckpointStore store, Clock clock) {
    Map<String, io.lakestream.core.sink.SinkCommitter> tables = new LinkedHashMap<>();
    tables.put("out", output);
    tables.put("dlq", deadLetter);
    return new CheckpointCoordinator(
        "p",
        store,
        tables,
        acknowledged::add,
        (phase, id) -> phases.add(phase + " " + id),
        clock,
        Duration.ofMinutes(10),
        new Backoff(clock, RETRY_LIMIT, Duration.ofMillis(1), Duration.ofMillis(4)),
        0,
        new CheckpointTransactions(tables));
  }

  private static Committable file(String name) {
    return new Committable(1, name.getBytes());
  }

  @Test
  void runsThePhasesInProtocolOrderAndPersistsBeforeCommitting() throws Exception {
    try (CheckpointStore store = new CheckpointStore(dir, "p")) {
      CheckpointCoordinator c = coordinator(store);
      output.beforeCommit = () -> assertThat(store.latest()).map(Checkpoint::id).contains(1L);
      ScriptedTask task = new ScriptedTask();
      task.positions = Map.of("t:0", 10L);
      task.committables = Map.of("out", List.of(file("a")), "dlq", List.of());

      c.recover();
      CheckpointCoordinator.Outcome outcome = c.checkpoint(1, List.of(task), () -> false);

      assertThat(outcome.committed()).isTrue();
      assertThat(phases)
          .containsExactly("PREPARED 1", "PERSISTED 1", "COMMITTED 1", "ACKNOWLEDGED 1");
      assertThat(output.commits).containsExactly(1L);
      assertThat(deadLetter.commits).containsExactly(1L);
      assertThat(acknowledged).containsExactly(Map.of("t:0", 10L));
    }
  }

  /** A table whose catalog does not answer while {@code down} says so. */
  private static Runnable unreachableWhile(BooleanSupplier down) {
    return () -> {
      if (down.getAsBoolean()) {
        throw new RetriableException("catalog unreachable", new java.net.ConnectException());
      }
    };
  }

  /** A task that read up to offset 10 and wrote one file to the output table. */
  private static ScriptedTask writingOneFile() {
    ScriptedTask task = new ScriptedTask();
    task.positions = Map.of("t:0", 10L);
    task.committables = Map.of("out", List.of(file("a")), "dlq", List.of());
    return task;
  }

  @Test
  void aCommitThatFailsForAReasonThatMayPassIsTriedAgainAndLandsOnce() throws Exception {
    AtomicInteger attempts = new AtomicInteger();
    output.beforeCommit = unreachableWhile(() -> attempts.incrementAndGet() <= 3);
    try (CheckpointStore store = new CheckpointStore(dir, "p")) {
      CheckpointCoordinator c = coordinator(store);
      c.recover();

      assertThat(c.checkpoint(1, List.of(writingOneFile()), () -> false).committed()).isTrue();
    }
    assertThat(attempts).hasValue(4);
    assertThat(output.commits).containsExactly(1L);
    assertThat(output.files).hasSize(1);
    assertThat(phases).contains("COMMITTED 1", "ACKNOWLEDGED 1");
  }

  @Test
  void aCommitStillFailingPastTheRetryTimeoutFailsTheRunAndARestartCommitsItOnce()
      throws Exception {
    AtomicBoolean down = new AtomicBoolean(true);
    output.beforeCommit = unreachableWhile(down::get);
    try (CheckpointStore store = new CheckpointStore(dir, "p")) {
      CheckpointCoordinator c = coordinator(store);
      c.recover();

      assertThatThrownBy(() -> c.checkpoint(1, List.of(writingOneFile()), () -> false))
          .isInstanceOf(PipelineException.class)
          .hasMessageStartingWith("Could not commit checkpoint 1 to out for ")
          .hasMessageContaining("checkpoint.retry-timeout is 200ms");
      assertThat(output.commits).isEmpty();
      assertThat(store.latest()).map(Checkpoint::id).contains(1L);
    }

    down.set(false);
    try (CheckpointStore store = new CheckpointStore(dir, "p")) {
      coordinator(store).recover();
    }
    assertThat(output.commits).containsExactly(1L);
    assertThat(output.files).hasSize(1);
  }

  @Test
  void aFailureThatWillNotPassIsNotRetried() throws Exception {
    AtomicInteger attempts = new AtomicInteger();
    output.beforeCommit =
        () -> {
          attempts.incrementAndGet();
          throw new PipelineException("table was dropped");
        };
    try (CheckpointStore store = new CheckpointStore(dir, "p")) {
      CheckpointCoordinator c = coordinator(store);
      ScriptedTask task = new ScriptedTask();
      task.positions = Map.of("t:0", 10L);
      c.recover();

      assertThatThrownBy(() -> c.checkpoint(1, List.of(task), () -> false))
          .hasMessage("table was dropped");
    }
    assertThat(attempts).hasValue(1);
  }

  @Test
  void fencesEveryTableBeforeRecovering() throws Exception {
    try (CheckpointStore store = new CheckpointStore(dir, "p")) {
      coordinator(store).recover();
    }
    assertThat(output.fenced).isEqualTo(1);
    assertThat(deadLetter.fenced).isEqualTo(1);
  }

  @Test
  void recoveryCommitsAPersistedButUncommittedCheckpointOnce() throws Exception {
    try (CheckpointStore store = new CheckpointStore(dir, "p")) {
      // a crash after step 2: checkpoint 3 is on disk, the tables hold checkpoint 2
      store.persist(
          new Checkpoint(
              "p",
              3,
              0,
              Map.of("t:0", 30L),
              Map.of("out", List.of(file("c")), "dlq", List.of()),
              Map.of(),
              0));
      output.last = new CommittedCheckpoint(2, Map.of("t:0", 20L));
      deadLetter.last = new CommittedCheckpoint(2, Map.of("t:0", 20L));

      Recovery r = coordinator(store).recover();
      Recovery again = coordinator(store).recover();

      assertThat(output.commits).containsExactly(3L);
      assertThat(deadLetter.commits).containsExactly(3L);
      assertThat(output.files).extracting(f -> new String(f.bytes())).containsExactly("c");
      assertThat(r.nextCheckpointId()).isEqualTo(4);
      assertThat(r.positions()).isEqualTo(Map.of("t:0", 30L));
      assertThat(again.positions()).isEqualTo(Map.of("t:0", 30L));
    }
  }

  @Test
  void recoveryDoesNotCommitWhatATableAlreadyHolds() throws Exception {
    try (CheckpointStore store = new CheckpointStore(dir, "p")) {
      store.persist(
          new Checkpoint(
              "p", 3, 0, Map.of("t:0", 30L), Map.of("out", List.of(file("c"))), Map.of(), 0));
      output.last = new CommittedCheckpoint(3, Map.of("t:0", 30L));
      deadLetter.last = new CommittedCheckpoint(2, Map.of("t:0", 20L));

      coordinator(store).recover();

      assertThat(output.commits).isEmpty();
      assertThat(deadLetter.commits).containsExactly(3L);
    }
  }

  @Test
  void withoutACheckpointResumesAtTheLowestTablePositionWithPerTableFloors() throws Exception {
    // the store was lost after a crash between the two table commits of checkpoint 5
    output.last = new CommittedCheckpoint(5, Map.of("t:0", 50L, "t:1", 55L));
    deadLetter.last = new CommittedCheckpoint(4, Map.of("t:0", 40L, "t:1", 45L));
    try (CheckpointStore store = new CheckpointStore(dir, "p")) {
      Recovery r = coordinator(store).recover();

      assertThat(r.positions()).isEqualTo(Map.of("t:0", 40L, "t:1", 45L));
      assertThat(r.floors().get("out")).isEqualTo(Map.of("t:0", 50L, "t:1", 55L));
      assertThat(r.floors().get("dlq")).isEqualTo(Map.of("t:0", 40L, "t:1", 45L));
      assertThat(r.nextCheckpointId()).isEqualTo(6);
      assertThat(output.commits).isEmpty();
    }
  }

  @Test
  void aCheckpointWithNothingNewCommitsNothing() throws Exception {
    try (CheckpointStore store = new CheckpointStore(dir, "p")) {
      CheckpointCoordinator c = coordinator(store);
      c.recover();
      ScriptedTask task = new ScriptedTask();
      task.positions = Map.of("t:0", 10L);
      task.committables = Map.of("out", List.of(file("a")));
      c.checkpoint(1, List.of(task), () -> false);

      CheckpointCoordinator.Outcome second = c.checkpoint(2, List.of(task), () -> false);

      assertThat(second.committed()).isFalse();
      assertThat(output.commits).containsExactly(1L);
      assertThat(phases).doesNotContain(Phase.PERSISTED + " 2");
    }
  }

  @Test
  void abortsWhenATaskFailsWhilePreparingItsCommit() throws Exception {
    try (CheckpointStore store = new CheckpointStore(dir, "p")) {
      CheckpointCoordinator c = coordinator(store);
      TaskControl task = new TaskControl("t");
      c.recover();
      Thread taskThread =
          task.start(
              () ->
                  task.answerNext(
                      id -> {
                        throw new java.io.UncheckedIOException(
                            "Cannot close data file",
                            new java.io.IOException("No space left on device"));
                      },
                      5_000));

      assertThatThrownBy(() -> c.checkpoint(1, List.of(task), () -> false))
          .isInstanceOf(CheckpointCoordinator.CheckpointAbortedException.class)
          .hasMessage("Checkpoint 1 aborted: Cannot close data file: No space left on device");
      taskThread.join();
      assertThat(phases).isEmpty();
      assertThat(store.latest()).isEmpty();
      assertThat(output.commits).isEmpty();
    }
  }

  @Test
  void abortsWhenATaskDiesWithoutAnsweringItsBarrier() throws Exception {
    try (CheckpointStore store = new CheckpointStore(dir, "p")) {
      CheckpointCoordinator c = coordinator(store);
      SilentTask task = new SilentTask();
      task.fatal = new IllegalStateException("decoder crashed");
      c.recover();

      assertThatThrownBy(() -> c.checkpoint(1, List.of(task), () -> false))
          .isInstanceOf(CheckpointCoordinator.CheckpointAbortedException.class)
          .hasMessage("Checkpoint 1 aborted: decoder crashed");
    }
  }

  @Test
  void abortsATaskThatDoesNotAnswerWithinTheTimeout() throws Exception {
    SteppingClock clock = new SteppingClock(Duration.ofMinutes(1));
    try (CheckpointStore store = new CheckpointStore(dir, "p")) {
      CheckpointCoordinator c = coordinator(store, clock);
      c.recover();

      assertThatThrownBy(() -> c.checkpoint(1, List.of(new SilentTask()), () -> false))
          .isInstanceOf(CheckpointCoordinator.CheckpointAbortedException.class)
          .hasMessage(
              "Checkpoint 1 aborted: its tasks did not answer within checkpoint.timeout (10m);"
                  + " nothing of it was committed");
      assertThat(c.activity()).isNull();
    }
  }

  @Test
  void waitsOnlyAShortGraceOnceTheStopIsRequested() throws Exception {
    SteppingClock clock = new SteppingClock(Duration.ofSeconds(1));
    try (CheckpointStore store = new CheckpointStore(dir, "p")) {
      CheckpointCoordinator c = coordinator(store, clock);
      c.recover();
      long before = clock.millis();

      assertThatThrownBy(() -> c.checkpoint(1, List.of(new SilentTask()), () -> true))
          .hasMessage(
              "Checkpoint 1 aborted: the pipeline was asked to stop and its tasks did not answer"
                  + " within 30s; nothing of it was committed");
      // a one-second step per look: the grace, not the ten-minute timeout, ended the wait
      assertThat(clock.millis() - before).isBetween(30_000L, 40_000L);
    }
  }

  @Test
  void saysWhichStepACheckpointIsInWhileItWaits() throws Exception {
    try (CheckpointStore store = new CheckpointStore(dir, "p")) {
      CheckpointCoordinator c = coordinator(store);
      List<String> seen = new ArrayList<>();
      output.beforeCommit = () -> seen.add(c.activity().what());
      ScriptedTask task = new ScriptedTask();
      task.positions = Map.of("t:0", 10L);
      task.committables = Map.of("out", List.of(file("a")), "dlq", List.of());
      c.recover();

      c.checkpoint(1, List.of(task), () -> false);

      assertThat(seen).containsExactly("committing checkpoint 1");
      assertThat(c.activity()).isNull();
    }
  }

  /** A clock that moves on by {@code step} every time it is read. */
  private static final class SteppingClock extends Clock {
    private final AtomicLong millis = new AtomicLong(1_000_000);
    private final long step;

    SteppingClock(Duration step) {
      this.step = step.toMillis();
    }

    @Override
    public long millis() {
      return millis.getAndAdd(step);
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis());
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

  /** A task that never answers a barrier, and may report that it died. */
  private static final class SilentTask implements Task {
    volatile Throwable fatal;

    @Override
    public CompletableFuture<TaskSnapshot> barrier(long checkpointId) {
      return new CompletableFuture<>();
    }

    @Override
    public boolean idle() {
      return false;
    }

    @Override
    public Throwable fatalError() {
      return fatal;
    }

    @Override
    public void stop() {}
  }
}
