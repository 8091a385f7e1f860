package io.lakestream.compaction;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.LongStream;
import org.apache.iceberg.BaseTable;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.RewriteFiles;
import org.apache.iceberg.Table;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RewriteDataFilesTest {
  @TempDir Path dir;

  private final RewriteDataFiles rewrite = new RewriteDataFiles(0, 2, 1000, Clock.systemUTC());
  private final List<String> progress = new ArrayList<>();

  private static SortedSet<Long> range(long from, long to) {
    SortedSet<Long> ids = new TreeSet<>();
    LongStream.range(from, to).forEach(ids::add);
    return ids;
  }

  @Test
  void binPacksSmallFilesPerPartitionApplyingDeletes() throws Exception {
    try (TestTable t = new TestTable(dir)) {
      t.append(0, 10, 0);
      t.append(10, 20, 0);
      t.append(20, 30, 0);
      DataFile hundred = t.append(100, 110, 1);
      t.append(110, 120, 1);
      t.append(120, 130, 1);
      t.table
          .newRowDelta()
          .addDeletes(t.equalityDeletes(0, 3, 15))
          .addDeletes(t.positionDeletes(hundred, 0, 1))
          .commit();
      SortedSet<Long> expected = range(0, 30);
      expected.addAll(range(100, 130));
      expected.removeAll(List.of(3L, 15L, 100L, 101L));

      ActionResult result = rewrite.run(t.table, false, progress::add);

      assertThat(TestTable.ids(t.table)).isEqualTo(expected);
      assertThat(TestTable.dataFiles(t.table)).isEqualTo(2);
      assertThat(TestTable.appliedDeleteFiles(t.table)).isZero();
      assertThat(result.count("groups-rewritten")).isEqualTo(2);
      assertThat(result.count("files-rewritten")).isEqualTo(6);
      assertThat(result.count("files-added")).isEqualTo(2);
      assertThat(result.count("delete-files-applied")).isEqualTo(2);
      assertThat(result.count("groups-skipped")).isZero();
      assertThat(progress).hasSize(2);
    }
  }

  @Test
  void aDryRunPlansAndChangesNothing() throws Exception {
    try (TestTable t = new TestTable(dir)) {
      t.append(0, 10, 0);
      t.append(10, 20, 0);
      long snapshot = t.table.currentSnapshot().snapshotId();

      ActionResult result = rewrite.run(t.table, true, progress::add);

      t.table.refresh();
      assertThat(t.table.currentSnapshot().snapshotId()).isEqualTo(snapshot);
      assertThat(result.dryRun()).isTrue();
      assertThat(result.count("files-rewritten")).isEqualTo(2);
      assertThat(result.count("files-added")).isZero();
    }
  }

  @Test
  void equalityDeletesCommittedDuringTheRewriteStillApply() throws Exception {
    try (TestTable t = new TestTable(dir)) {
      t.append(0, 10, 0);
      t.append(10, 20, 0);
      Table racing =
          beforeRewriteCommits(
              t.table,
              () -> t.load().newRowDelta().addDeletes(t.equalityDeletes(0, 5, 12)).commit());

      ActionResult result = rewrite.run(racing, false, progress::add);

      SortedSet<Long> expected = range(0, 20);
      expected.removeAll(List.of(5L, 12L));
      assertThat(TestTable.ids(t.table)).isEqualTo(expected);
      assertThat(result.count("groups-rewritten")).isEqualTo(1);
      assertThat(TestTable.dataFiles(t.table)).isEqualTo(1);
    }
  }

  @Test
  void aGroupThatLosesToAPositionDeleteIsSkippedAndTheOthersCommit() throws Exception {
    try (TestTable t = new TestTable(dir)) {
      DataFile first = t.append(0, 10, 0);
      t.append(10, 20, 0);
      t.append(100, 110, 1);
      t.append(110, 120, 1);
      Table racing =
          beforeRewriteCommits(
              t.table,
              () -> t.load().newRowDelta().addDeletes(t.positionDeletes(first, 4)).commit());

      ActionResult result = rewrite.run(racing, false, progress::add);

      SortedSet<Long> expected = range(0, 20);
      expected.addAll(range(100, 120));
      expected.remove(4L);
      assertThat(TestTable.ids(t.table)).isEqualTo(expected);
      assertThat(result.count("groups-rewritten")).isEqualTo(1);
      assertThat(result.count("groups-skipped")).isEqualTo(1);
      assertThat(TestTable.dataFiles(t.table)).isEqualTo(3);
      ActionResult orphans =
          new RemoveOrphanFiles(
                  Duration.ZERO, Clock.offset(Clock.systemUTC(), Duration.ofSeconds(1)))
              .run(t.table, true, progress::add);
      assertThat(orphans.count("files-removed")).as("files of the skipped group deleted").isZero();
    }
  }

  /** The table, as an instance on which {@code race} commits right before the first rewrite. */
  private static Table beforeRewriteCommits(Table table, Runnable race) {
    return new BaseTable(((HasTableOperations) table).operations(), table.name()) {
      private boolean raced;

      @Override
      public RewriteFiles newRewrite() {
        if (!raced) {
          raced = true;
          race.run();
        }
        return super.newRewrite();
      }
    };
  }
}
