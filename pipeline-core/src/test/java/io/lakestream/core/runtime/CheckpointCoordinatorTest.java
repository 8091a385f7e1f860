package io.lakestream.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.core.runtime.PhaseListener.Phase;
import io.lakestream.core.sink.Committable;
import io.lakestream.core.sink.SinkCommitter.CommittedCheckpoint;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointCoordinatorTest {
  @TempDir Path dir;

  private final FakeTable output = new FakeTable();
  private final FakeTable deadLetter = new FakeTable();
  private final List<Map<String, Long>> acknowledged = new ArrayList<>();
  private final List<String> phases = new ArrayList<>();

  private CheckpointCoordinator coordinator(CheckpointStore store) {
    Map<String, io.lakestream.core.sink.SinkCommitter> tables = new LinkedHashMap<>();
    tables.put("out", output);
    tables.put("dlq", deadLetter);
    return new CheckpointCoordinator(
        "p",
        store,
        tables,
        acknowledged::add,
        (phase, id) -> phases.add(phase + " " + id),
        Clock.systemUTC());
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
      CheckpointCoordinator.Outcome outcome = c.checkpoint(1, List.of(task));

      assertThat(outcome.committed()).isTrue();
      assertThat(phases)
          .containsExactly("PREPARED 1", "PERSISTED 1", "COMMITTED 1", "ACKNOWLEDGED 1");
      assertThat(output.commits).containsExactly(1L);
      assertThat(deadLetter.commits).containsExactly(1L);
      assertThat(acknowledged).containsExactly(Map.of("t:0", 10L));
    }
  }

  @Test
  void fencesEveryTableBeforeRecovering() {
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
              Map.of()));
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
              "p", 3, 0, Map.of("t:0", 30L), Map.of("out", List.of(file("c"))), Map.of()));
      output.last = new CommittedCheckpoint(3, Map.of("t:0", 30L));
      deadLetter.last = new CommittedCheckpoint(2, Map.of("t:0", 20L));

      coordinator(store).recover();

      assertThat(output.commits).isEmpty();
      assertThat(deadLetter.commits).containsExactly(3L);
    }
  }

  @Test
  void withoutACheckpointResumesAtTheLowestTablePositionWithPerTableFloors() {
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
      c.checkpoint(1, List.of(task));

      CheckpointCoordinator.Outcome second = c.checkpoint(2, List.of(task));

      assertThat(second.committed()).isFalse();
      assertThat(output.commits).containsExactly(1L);
      assertThat(phases).doesNotContain(Phase.PERSISTED + " 2");
    }
  }
}
