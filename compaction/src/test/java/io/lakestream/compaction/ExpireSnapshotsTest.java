package io.lakestream.compaction;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.catalog.CommitMetadata;
import io.lakestream.core.spec.WriterId;
import io.lakestream.iceberg.CheckpointHistory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Table;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExpireSnapshotsTest {
  private static final WriterId ORDERS = WriterId.of("orders");
  private static final WriterId BACKFILL = new WriterId("orders", "backfill-1");

  @TempDir Path dir;

  /** A second from now, so that every snapshot is older than "now". */
  private final Clock later = Clock.offset(Clock.systemUTC(), Duration.ofSeconds(1));

  private static Optional<CommitMetadata.Checkpoint> last(Table table, WriterId writer) {
    return CheckpointHistory.lastCommitted(
        ((HasTableOperations) table).operations().refresh(), writer, "main");
  }

  private static CommitMetadata.Checkpoint checkpoint(WriterId writer, long id, long position) {
    return new CommitMetadata.Checkpoint(writer, id, Map.of("events:0", position));
  }

  @Test
  void keepsEveryWritersLastCheckpointFindableWhenItsSnapshotExpires() throws Exception {
    try (TestTable t = new TestTable(dir)) {
      t.appendCheckpoint(ORDERS, 1, 0, 10, 0);
      t.appendCheckpoint(BACKFILL, 7, 10, 20, 0);
      t.appendCheckpoint(ORDERS, 2, 20, 30, 0);
      t.append(30, 40, 1);
      t.append(40, 50, 1);
      new RewriteDataFiles(0, 2, 1000, later).run(t.table, false, line -> {});
      SortedSet<Long> rows = TestTable.ids(t.table);

      ActionResult result =
          new ExpireSnapshots(Duration.ZERO, 1, later).run(t.load(), false, line -> {});

      t.table.refresh();
      assertThat(t.table.snapshots()).hasSize(1);
      // five appends and one rewrite commit per partition, all but the newest
      assertThat(result.count("snapshots-expired")).isEqualTo(6);
      assertThat(result.count("files-removed")).isPositive();
      assertThat(last(t.table, ORDERS)).contains(checkpoint(ORDERS, 2, 30));
      assertThat(last(t.table, BACKFILL)).contains(checkpoint(BACKFILL, 7, 20));
      assertThat(TestTable.ids(t.table)).isEqualTo(rows);

      // a newer checkpoint is found in the snapshots again; the expired one stays carried
      t.appendCheckpoint(ORDERS, 3, 50, 60, 0);
      t.append(60, 70, 1);
      new ExpireSnapshots(Duration.ZERO, 1, Clock.offset(later, Duration.ofSeconds(1)))
          .run(t.load(), false, line -> {});

      assertThat(last(t.table, ORDERS)).contains(checkpoint(ORDERS, 3, 60));
      assertThat(last(t.table, BACKFILL)).contains(checkpoint(BACKFILL, 7, 20));
    }
  }

  @Test
  void keepsTheNewestSnapshotsAndChangesNothingInADryRun() throws Exception {
    try (TestTable t = new TestTable(dir)) {
      for (int i = 0; i < 5; i++) {
        t.append(i * 10, i * 10 + 10, 0);
      }

      ActionResult dry = new ExpireSnapshots(Duration.ZERO, 2, later).run(t.table, true, l -> {});
      t.table.refresh();
      assertThat(t.table.snapshots()).hasSize(5);
      assertThat(dry.count("snapshots-expired")).isEqualTo(3);

      new ExpireSnapshots(Duration.ZERO, 2, later).run(t.table, false, l -> {});
      t.table.refresh();
      assertThat(t.table.snapshots()).hasSize(2);
      assertThat(TestTable.ids(t.table)).hasSize(50);
    }
  }
}
