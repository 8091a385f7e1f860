package io.lakestream.iceberg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.core.error.CommitStateUnknownException;
import io.lakestream.core.error.FencedException;
import io.lakestream.core.sink.Committable;
import io.lakestream.core.sink.Sink;
import io.lakestream.core.sink.SinkCommitter.CommitResult;
import io.lakestream.core.sink.SinkCommitter.CommittedCheckpoint;
import io.lakestream.core.sink.SinkContext;
import io.lakestream.core.spec.WriterId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IcebergCommitterTest {
  @TempDir Path dir;

  @AfterEach
  void resetHooks() {
    HookedJdbcCatalog.reset();
  }

  private Sink open() {
    return TestTables.open(dir, Orders.SCHEMA, Map.of());
  }

  private Sink openAs(String pipeline) {
    return openAs(WriterId.of(pipeline));
  }

  private Sink openAs(WriterId writer) {
    return openAs(writer, null);
  }

  /** The table as {@code writer} writes it, committing to {@code branch} (null: main). */
  private Sink openAs(WriterId writer, String branch) {
    return new IcebergSinkFactory()
        .open(
            new SinkContext(
                    writer,
                    TestTables.config(dir, Map.of()),
                    TestTables.TABLE,
                    Orders.SCHEMA,
                    SinkContext.Role.OUTPUT)
                .withBranch(branch));
  }

  /** A sink whose catalog runs {@link HookedJdbcCatalog}'s hooks around every table commit. */
  private Sink openHooked() {
    Map<String, Object> catalog = new LinkedHashMap<>();
    catalog.put("catalog-impl", HookedJdbcCatalog.class.getName());
    catalog.put("uri", "jdbc:sqlite:" + dir.resolve("catalog.db"));
    catalog.put("warehouse", dir.resolve("warehouse").toString());
    catalog.put("jdbc.schema-version", "V1");
    Map<String, Object> config = new LinkedHashMap<>(TestTables.config(dir, Map.of()));
    config.put("catalog", catalog);
    return new IcebergSinkFactory().open(TestTables.context(config, Orders.SCHEMA));
  }

  @Test
  void lastCommittedIsEmptyUntilThePipelineCommits() {
    try (Sink ours = open();
        Sink other = openAs("another-pipeline")) {
      assertThat(ours.committer().lastCommitted()).isEmpty();

      other.committer().commit(9, Map.of("x:0", 1L), List.of());

      assertThat(ours.committer().lastCommitted()).isEmpty();
    }
  }

  @Test
  void lastCommittedReturnsTheNewestCheckpointWithItsPositions() {
    try (Sink sink = open();
        Sink other = openAs("another-pipeline")) {
      sink.committer()
          .commit(1, Map.of("orders:0", 10L), TestTables.write(sink, 0, rows(1, 0, 10), 1));
      sink.committer()
          .commit(
              2,
              Map.of("orders:0", 25L, "orders:1", 3L),
              TestTables.write(sink, 0, rows(2, 10, 18), 2));
      other.committer().commit(7, Map.of("x:0", 99L), List.of());
    }

    try (Sink recovered = open()) {
      assertThat(recovered.committer().lastCommitted())
          .contains(new CommittedCheckpoint(2, Map.of("orders:0", 25L, "orders:1", 3L)));
    }
  }

  @Test
  void recommittingACheckpointAddsNothing() {
    List<Orders> orders = Orders.generate(3, 0, 100);
    try (Sink sink = open()) {
      List<Committable> committables = TestTables.write(sink, 0, Orders.rows(orders), 1);
      CommitResult first = sink.committer().commit(1, Map.of("orders:0", 100L), committables);
      CommitResult again = sink.committer().commit(1, Map.of("orders:0", 100L), committables);

      assertThat(first.committed()).isTrue();
      assertThat(again).isEqualTo(new CommitResult(false, 0, 0, 0, first.snapshotId()));
    }

    try (Sink restarted = open()) {
      CommitResult replayed =
          restarted
              .committer()
              .commit(
                  1,
                  Map.of("orders:0", 100L),
                  TestTables.write(restarted, 0, Orders.rows(orders), 1));
      assertThat(replayed.committed()).isFalse();
    }

    assertThat(TestTables.read(dir))
        .extracting(TestTables::plain)
        .containsExactlyInAnyOrderElementsOf(Orders.expected(orders));
    assertThat(snapshots()).hasSize(1);
  }

  @Test
  void checkpointsOlderThanTheRecordedOneAreSkipped() {
    try (Sink sink = open()) {
      sink.committer().commit(5, Map.of("orders:0", 50L), List.of());

      CommitResult result =
          sink.committer()
              .commit(3, Map.of("orders:0", 30L), TestTables.write(sink, 0, rows(4, 0, 5), 3));

      assertThat(result.committed()).isFalse();
      assertThat(sink.committer().lastCommitted())
          .contains(new CommittedCheckpoint(5, Map.of("orders:0", 50L)));
    }
    assertThat(TestTables.read(dir)).isEmpty();
  }

  @Test
  void aCheckpointWithoutFilesStillCommitsItsPositions() {
    try (Sink sink = open()) {
      CommitResult result = sink.committer().commit(1, Map.of("orders:0", 42L), List.of());

      assertThat(result.committed()).isTrue();
      assertThat(result.files()).isZero();
      assertThat(sink.committer().lastCommitted())
          .contains(new CommittedCheckpoint(1, Map.of("orders:0", 42L)));
    }
    assertThat(snapshots())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.operation()).isEqualTo("append");
              assertThat(s.summary())
                  .containsEntry("lakestream.pipeline-id", TestTables.PIPELINE)
                  .containsEntry("lakestream.checkpoint-id", "1")
                  .containsEntry("lakestream.source-positions", "orders:0=42");
            });
  }

  @Test
  void pendingManifestsAreDeletedOnceCommitted() throws Exception {
    try (Sink sink = open()) {
      List<Committable> committables = TestTables.write(sink, 0, rows(5, 0, 10), 1);
      assertThat(pendingManifests()).hasSize(1);

      sink.committer().commit(1, Map.of(), committables);

      assertThat(pendingManifests()).isEmpty();
    }
  }

  @Test
  void aFencedInstanceCannotCommitAndLeavesNothingInTheTable() {
    List<Orders> first = Orders.generate(6, 0, 50);
    List<Orders> fromFenced = Orders.generate(7, 50, 60);
    List<Orders> fromNewOwner = Orders.generate(8, 50, 70);
    try (Sink old = open();
        Sink owner = open()) {
      old.committer().fence();
      old.committer()
          .commit(1, Map.of("orders:0", 50L), TestTables.write(old, 0, Orders.rows(first), 1));

      owner.committer().fence();
      List<Committable> late = TestTables.write(old, 0, Orders.rows(fromFenced), 2);

      assertThatThrownBy(() -> old.committer().commit(2, Map.of("orders:0", 110L), late))
          .isInstanceOf(FencedException.class)
          .hasMessage(
              "Pipeline orders-to-lake is owned by another instance: table analytics.orders holds"
                  + " fencing epoch 2, this instance holds 1. Stop this instance.");
      assertThat(owner.committer().lastCommitted())
          .contains(new CommittedCheckpoint(1, Map.of("orders:0", 50L)));

      owner
          .committer()
          .commit(
              2,
              Map.of("orders:0", 120L),
              TestTables.write(owner, 1, Orders.rows(fromNewOwner), 2));
    }

    List<Object> expected = new ArrayList<>(Orders.expected(first));
    expected.addAll(Orders.expected(fromNewOwner));
    assertThat(TestTables.read(dir))
        .extracting(TestTables::plain)
        .containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void twoWritersOfAPipelineCommitBesideEachOtherAndEachIsFencedOnlyByItself() {
    WriterId backfill = new WriterId(TestTables.PIPELINE, "backfill");
    List<Orders> live = Orders.generate(6, 0, 40);
    List<Orders> replayed = Orders.generate(7, 1_000, 30);
    List<Orders> fromZombie = Orders.generate(8, 2_000, 20);
    try (Sink first = open();
        Sink second = openAs(backfill);
        Sink secondAgain = openAs(backfill)) {
      first.committer().fence();
      second.committer().fence();
      first
          .committer()
          .commit(1, Map.of("orders:0", 40L), TestTables.write(first, 0, Orders.rows(live), 1));
      second
          .committer()
          .commit(
              1, Map.of("replay:0", 30L), TestTables.write(second, 0, Orders.rows(replayed), 1));
      // the same checkpoint id of another writer is not "already committed" for this one
      assertThat(first.committer().lastCommitted())
          .contains(new CommittedCheckpoint(1, Map.of("orders:0", 40L)));
      assertThat(second.committer().lastCommitted())
          .contains(new CommittedCheckpoint(1, Map.of("replay:0", 30L)));

      secondAgain.committer().fence(); // a second instance of the backfill writer
      List<Committable> late = TestTables.write(second, 1, Orders.rows(fromZombie), 2);

      assertThatThrownBy(() -> second.committer().commit(2, Map.of("replay:0", 50L), late))
          .isInstanceOf(FencedException.class)
          .hasMessage(
              "Pipeline orders-to-lake, writer backfill, is owned by another instance: table"
                  + " analytics.orders holds fencing epoch 2, this instance holds 1. Stop this"
                  + " instance.");
      first.committer().commit(2, Map.of("orders:0", 40L), List.of()); // the default is not fenced
      assertThat(first.committer().lastCommitted())
          .contains(new CommittedCheckpoint(2, Map.of("orders:0", 40L)));
    }

    List<Object> expected = new ArrayList<>(Orders.expected(live));
    expected.addAll(Orders.expected(replayed));
    assertThat(TestTables.read(dir))
        .extracting(TestTables::plain)
        .containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void aBranchGetsTheCommitsAndRecoveryWhileTheMainLineStaysAsItWas() {
    WriterId replay = new WriterId(TestTables.PIPELINE, "replay");
    List<Orders> live = Orders.generate(6, 0, 40);
    List<Orders> replayed = Orders.generate(7, 1_000, 30);
    List<Orders> moreLive = Orders.generate(8, 2_000, 20);
    try (Sink main = open();
        Sink branch = openAs(replay, "replay")) {
      main.committer()
          .commit(1, Map.of("orders:0", 40L), TestTables.write(main, 0, Orders.rows(live), 1));
      branch
          .committer()
          .commit(
              1, Map.of("orders:0", 30L), TestTables.write(branch, 0, Orders.rows(replayed), 1));
      main.committer()
          .commit(2, Map.of("orders:0", 60L), TestTables.write(main, 0, Orders.rows(moreLive), 2));

      // the branch's writer recovers from the branch: the main line's checkpoint 2 is not its
      assertThat(branch.committer().lastCommitted())
          .contains(new CommittedCheckpoint(1, Map.of("orders:0", 30L)));
      assertThat(branch.committer().commit(1, Map.of("orders:0", 30L), List.of()).committed())
          .isFalse();
    }

    List<Object> onMain = new ArrayList<>(Orders.expected(live));
    onMain.addAll(Orders.expected(moreLive));
    List<Object> onBranch = new ArrayList<>(Orders.expected(live)); // it started at main's head
    onBranch.addAll(Orders.expected(replayed));
    assertThat(TestTables.read(dir))
        .extracting(TestTables::plain)
        .containsExactlyInAnyOrderElementsOf(onMain);
    List<Object> branchRows =
        TestTables.inspect(
            dir,
            t -> {
              List<Object> rows = new ArrayList<>();
              long head = t.refs().get("replay").snapshotId();
              try (CloseableIterable<Record> it =
                  IcebergGenerics.read(t).useSnapshot(head).build()) {
                it.forEach(r -> rows.add(TestTables.plain(r)));
              } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
              return rows;
            });
    assertThat(branchRows).containsExactlyInAnyOrderElementsOf(onBranch);
  }

  @Test
  void aFenceThatLandsDuringACommitStillFencesIt() {
    try (Sink old = openHooked();
        Sink owner = open()) {
      old.committer().fence();
      List<Committable> committables = TestTables.write(old, 0, rows(9, 0, 20), 1);
      // the new owner fences after the old instance checked its epoch, right before its swap
      HookedJdbcCatalog.BEFORE_COMMIT.set(() -> owner.committer().fence());

      assertThatThrownBy(() -> old.committer().commit(1, Map.of("orders:0", 20L), committables))
          .isInstanceOf(FencedException.class);
      assertThat(HookedJdbcCatalog.BEFORE_COMMIT.get()).isNull();
      assertThat(owner.committer().lastCommitted()).isEmpty();
    }
    assertThat(TestTables.read(dir)).isEmpty();
  }

  @Test
  void fencingTwiceKeepsTheInstanceInCharge() {
    try (Sink sink = open()) {
      sink.committer().fence();
      sink.committer().fence();

      CommitResult result = sink.committer().commit(1, Map.of(), List.of());

      assertThat(result.committed()).isTrue();
    }
    String epoch =
        TestTables.inspect(dir, t -> t.properties().get("lakestream.epoch." + TestTables.PIPELINE));
    assertThat(epoch).isEqualTo("2");
  }

  @Test
  void aCommitWhoseResponseWasLostIsReconciledFromTheTable() {
    List<Orders> orders = Orders.generate(10, 0, 30);
    try (Sink sink = openHooked()) {
      List<Committable> committables = TestTables.write(sink, 0, Orders.rows(orders), 1);
      HookedJdbcCatalog.AFTER_COMMIT.set(
          () -> {
            throw new org.apache.iceberg.exceptions.CommitStateUnknownException(
                new RuntimeException("connection reset"));
          });

      CommitResult result = sink.committer().commit(1, Map.of("orders:0", 30L), committables);

      assertThat(result.committed()).isTrue();
      assertThat(result.records()).isEqualTo(30);
    }
    assertThat(TestTables.read(dir))
        .extracting(TestTables::plain)
        .containsExactlyInAnyOrderElementsOf(Orders.expected(orders));
  }

  @Test
  void aCommitOfUnknownOutcomeThatDidNotLandIsReportedAndCanBeCommittedLater() {
    List<Orders> orders = Orders.generate(11, 0, 40);
    try (Sink sink = openHooked()) {
      List<Committable> committables = TestTables.write(sink, 0, Orders.rows(orders), 1);
      HookedJdbcCatalog.BEFORE_COMMIT.set(
          () -> {
            throw new org.apache.iceberg.exceptions.CommitStateUnknownException(
                new RuntimeException("connection reset"));
          });

      assertThatThrownBy(() -> sink.committer().commit(1, Map.of("orders:0", 40L), committables))
          .isInstanceOf(CommitStateUnknownException.class)
          .hasMessage(
              "Commit of checkpoint 1 to table analytics.orders may or may not have happened"
                  + " (java.lang.RuntimeException: connection reset); reconcile with the table's last"
                  + " committed checkpoint before committing again");
      assertThat(sink.committer().lastCommitted()).isEmpty();

      CommitResult retried = sink.committer().commit(1, Map.of("orders:0", 40L), committables);
      assertThat(retried.committed()).isTrue();
    }
    assertThat(TestTables.read(dir))
        .extracting(TestTables::plain)
        .containsExactlyInAnyOrderElementsOf(Orders.expected(orders));
  }

  private static List<io.lakestream.core.record.Row> rows(long seed, long firstId, int count) {
    return Orders.rows(Orders.generate(seed, firstId, count));
  }

  private List<Snapshot> snapshots() {
    return TestTables.inspect(
        dir,
        t -> {
          List<Snapshot> all = new ArrayList<>();
          t.snapshots().forEach(all::add);
          return all;
        });
  }

  private List<Path> pendingManifests() throws java.io.IOException {
    Path metadata = dir.resolve("warehouse/analytics/orders/metadata");
    try (Stream<Path> files = Files.list(metadata)) {
      return files
          .filter(p -> p.getFileName().toString().startsWith(PendingManifests.PREFIX))
          .toList();
    }
  }
}
