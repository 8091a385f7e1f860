package io.lakestream.iceberg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.core.error.PipelineException;
import io.lakestream.core.record.Row;
import io.lakestream.core.sink.Sink;
import io.lakestream.core.sink.SinkContext;
import io.lakestream.core.sink.SinkWriter;
import io.lakestream.core.sink.SupportsDelete;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IcebergTablesTest {
  @TempDir Path dir;

  @Test
  void listsTablesOfEveryNamespace() {
    try (Sink a = TestTables.open(dir, Orders.SCHEMA, Map.of());
        Sink b =
            new IcebergSinkFactory()
                .open(
                    new SinkContext(
                        TestTables.PIPELINE,
                        TestTables.config(dir, Map.of()),
                        "ops.dead_letters",
                        io.lakestream.core.error.DeadLetter.SCHEMA,
                        SinkContext.Role.DEAD_LETTER));
        IcebergTables tables = new IcebergTables(TestTables.catalog(dir))) {
      assertThat(tables.list()).containsExactly("analytics.orders", "ops.dead_letters");
    }
  }

  @Test
  void describesSchemaPartitioningSnapshotsAndTotals() {
    try (Sink sink =
        TestTables.open(
            dir,
            Orders.SCHEMA,
            Map.of("partition-by", List.of("day(event_time)", "bucket(4, user_id)")))) {
      sink.committer()
          .commit(
              1,
              Map.of("orders:0", 100L),
              TestTables.write(sink, 0, Orders.rows(Orders.generate(1, 0, 100)), 1));
      sink.committer().commit(2, Map.of("orders:0", 100L), List.of());
    }

    TableDescription d;
    try (IcebergTables tables = new IcebergTables(TestTables.catalog(dir))) {
      d = tables.describe("analytics.orders");
    }

    assertThat(d.name()).isEqualTo("analytics.orders");
    assertThat(d.formatVersion()).isEqualTo(2);
    assertThat(d.location()).endsWith("/warehouse/analytics/orders");
    assertThat(d.partitioning()).isEqualTo("day(event_time), bucket(4, user_id)");
    assertThat(d.columns())
        .containsExactly(
            new TableDescription.Column("order_id", "long", true),
            new TableDescription.Column("user_id", "long", true),
            new TableDescription.Column("item", "string", false),
            new TableDescription.Column("amount", "decimal(10, 2)", false),
            new TableDescription.Column("quantity", "int", false),
            new TableDescription.Column("event_time", "timestamptz", true),
            new TableDescription.Column("paid", "boolean", false));
    assertThat(d.snapshotCount()).isEqualTo(2);
    assertThat(d.snapshots()).hasSize(2);
    TableDescription.SnapshotInfo newest = d.snapshots().get(0);
    TableDescription.SnapshotInfo first = d.snapshots().get(1);
    assertThat(newest.checkpointId()).isEqualTo(2L);
    assertThat(newest.addedFiles()).isZero();
    assertThat(first.checkpointId()).isEqualTo(1L);
    assertThat(first.pipelineId()).isEqualTo(TestTables.PIPELINE);
    assertThat(first.operation()).isEqualTo("append");
    assertThat(first.addedRecords()).isEqualTo(100);
    assertThat(first.addedFiles()).isPositive();
    assertThat(d.totals().records()).isEqualTo(100);
    assertThat(d.totals().dataFiles()).isEqualTo(first.addedFiles());
    assertThat(d.totals().bytes()).isPositive();
  }

  @Test
  void describeLimitsSnapshotsToTheNewest() {
    try (Sink sink = TestTables.open(dir, Orders.SCHEMA, Map.of())) {
      for (long c = 1; c <= 5; c++) {
        sink.committer().commit(c, Map.of(), List.of());
      }
    }

    try (IcebergTables tables = new IcebergTables(TestTables.catalog(dir))) {
      TableDescription d = tables.describe("analytics.orders", 2);

      assertThat(d.snapshotCount()).isEqualTo(5);
      assertThat(d.snapshots())
          .extracting(TableDescription.SnapshotInfo::checkpointId)
          .containsExactly(5L, 4L);
      assertThat(d.totals()).isEqualTo(new TableDescription.Totals(0, 0, 0, 0, 0, 0, 0, 0));
    }
  }

  @Test
  void describesUpsertKeyDeletesLiveRowsPropertiesAndSourcePositions() {
    // reference model: key -> present after the two checkpoints
    Map<Long, Boolean> live = new java.util.HashMap<>();
    try (Sink sink =
        TestTables.open(
            dir,
            UpsertSinkTest.USERS,
            Map.of(
                "mode", "upsert", "key", List.of("user_id"), "properties", Map.of("a.b", "c")))) {
      SinkWriter writer = sink.createWriter(0);
      writer.write(new Row(1L, "a", 1));
      live.put(1L, true);
      writer.write(new Row(2L, "b", 2));
      live.put(2L, true);
      sink.committer().commit(1, Map.of("users:0", 2L), writer.prepareCommit(1));
      ((SupportsDelete) writer).delete(new Row(1L, null, null));
      live.remove(1L);
      writer.write(new Row(3L, "c", 3));
      live.put(3L, true);
      sink.committer().commit(2, Map.of("users:0", 4L, "users:1", 7L), writer.prepareCommit(2));
      writer.close();
    }

    TableDescription d;
    try (IcebergTables tables = new IcebergTables(TestTables.catalog(dir))) {
      d = tables.describe("analytics.orders");
    }

    assertThat(d.identifierFields()).containsExactly("user_id");
    assertThat(d.sortOrder()).isEqualTo("unsorted");
    assertThat(d.properties()).containsEntry("a.b", "c");
    assertThat(d.totals().records()).isEqualTo(3);
    assertThat(d.totals().liveRows()).isEqualTo(live.size());
    assertThat(d.totals().equalityDeleteFiles()).isPositive();
    assertThat(d.snapshots())
        .extracting(TableDescription.SnapshotInfo::sourcePositions)
        .containsExactly(Map.of("users:0", 4L, "users:1", 7L), Map.of("users:0", 2L));
  }

  @Test
  void describingAMissingTableSaysSo() {
    try (IcebergTables tables = new IcebergTables(TestTables.catalog(dir))) {
      assertThatThrownBy(() -> tables.describe("analytics.nope"))
          .isInstanceOf(PipelineException.class)
          .hasMessage("Table analytics.nope does not exist in catalog lakestream");
    }
  }
}
