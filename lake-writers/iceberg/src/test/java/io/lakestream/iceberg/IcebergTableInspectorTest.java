package io.lakestream.iceberg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.core.error.PipelineException;
import io.lakestream.core.inspect.ScanStats;
import io.lakestream.core.inspect.TableDescription;
import io.lakestream.core.inspect.TableInspector;
import io.lakestream.core.inspect.TableInspectors;
import io.lakestream.core.record.Row;
import io.lakestream.core.sink.Sink;
import io.lakestream.core.sink.SinkContext;
import io.lakestream.core.sink.SinkWriter;
import io.lakestream.core.sink.SupportsDelete;
import io.lakestream.core.spec.SpecException;
import io.lakestream.core.spec.WriterId;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IcebergTableInspectorTest {
  @TempDir Path dir;

  @Test
  void listsTablesOfEveryNamespace() {
    try (Sink a = TestTables.open(dir, Orders.SCHEMA, Map.of());
        Sink b =
            new IcebergSinkFactory()
                .open(
                    new SinkContext(
                        WriterId.of(TestTables.PIPELINE),
                        TestTables.config(dir, Map.of()),
                        "ops.dead_letters",
                        io.lakestream.core.error.DeadLetter.SCHEMA,
                        SinkContext.Role.DEAD_LETTER));
        TableInspector tables = TableInspectors.open(TestTables.catalog(dir))) {
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
    try (TableInspector tables = TableInspectors.open(TestTables.catalog(dir))) {
      d = tables.describe("analytics.orders", 20);
    }

    assertThat(d.name()).isEqualTo("analytics.orders");
    assertThat(d.format()).isEqualTo("Iceberg");
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
    assertThat(d.commitCount()).isEqualTo(2);
    assertThat(d.commits()).hasSize(2);
    TableDescription.Commit newest = d.commits().get(0);
    TableDescription.Commit first = d.commits().get(1);
    assertThat(newest.checkpointId()).isEqualTo(2L);
    assertThat(newest.addedFiles()).isZero();
    assertThat(first.checkpointId()).isEqualTo(1L);
    assertThat(first.writer()).isEqualTo(WriterId.of(TestTables.PIPELINE));
    assertThat(first.operation()).isEqualTo("append");
    assertThat(first.addedRecords()).isEqualTo(100);
    assertThat(first.addedFiles()).isPositive();
    assertThat(d.totals().records()).isEqualTo(100);
    assertThat(d.totals().dataFiles()).isEqualTo(first.addedFiles());
    assertThat(d.totals().bytes()).isPositive();
  }

  @Test
  void describeShowsEveryWritersLastCheckpoint() {
    WriterId live = WriterId.of(TestTables.PIPELINE);
    WriterId backfill = new WriterId(TestTables.PIPELINE, "backfill");
    try (Sink first = TestTables.open(dir, Orders.SCHEMA, Map.of());
        Sink second =
            new IcebergSinkFactory()
                .open(
                    new SinkContext(
                        backfill,
                        TestTables.config(dir, Map.of()),
                        TestTables.TABLE,
                        Orders.SCHEMA,
                        SinkContext.Role.OUTPUT))) {
      first.committer().commit(1, Map.of("orders:0", 5L), List.of());
      second.committer().commit(1, Map.of("replay:0", 7L), List.of());
      first.committer().commit(2, Map.of("orders:0", 9L), List.of());
    }

    try (TableInspector tables = TableInspectors.open(TestTables.catalog(dir))) {
      TableDescription d = tables.describe("analytics.orders", 1);

      assertThat(d.writers())
          .extracting(
              TableDescription.WriterCheckpoint::writer,
              TableDescription.WriterCheckpoint::checkpointId,
              TableDescription.WriterCheckpoint::sourcePositions)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(backfill, 1L, Map.of("replay:0", 7L)),
              org.assertj.core.groups.Tuple.tuple(live, 2L, Map.of("orders:0", 9L)));
      assertThat(d.commits().get(0).writer()).isEqualTo(live);
    }
  }

  @Test
  void describeLimitsSnapshotsToTheNewest() {
    try (Sink sink = TestTables.open(dir, Orders.SCHEMA, Map.of())) {
      for (long c = 1; c <= 5; c++) {
        sink.committer().commit(c, Map.of(), List.of());
      }
    }

    try (TableInspector tables = TableInspectors.open(TestTables.catalog(dir))) {
      TableDescription d = tables.describe("analytics.orders", 2);

      assertThat(d.commitCount()).isEqualTo(5);
      assertThat(d.commits())
          .extracting(TableDescription.Commit::checkpointId)
          .containsExactly(5L, 4L);
      assertThat(d.totals()).isEqualTo(new TableDescription.Totals(0, 0, 0, 0, 0, 0, 0, 0));
    }
  }

  /**
   * Upserts keys 1 and 2 in checkpoint 1, deletes 1 and upserts 3 in checkpoint 2.
   *
   * @return the keys a reader sees afterwards: the reference model
   */
  private Set<Long> upsertThreeKeysAndDeleteOne() {
    Set<Long> live = new HashSet<>();
    try (Sink sink =
        TestTables.open(
            dir,
            UpsertSinkTest.USERS,
            Map.of(
                "mode",
                "upsert",
                "key",
                List.of("user_id"),
                "properties",
                Map.of("a.b", "c"),
                // every delete an equality delete, which the description counts
                "delete-mode",
                "equality"))) {
      SinkWriter writer = sink.createWriter(0);
      writer.write(new Row(1L, "a", 1));
      live.add(1L);
      writer.write(new Row(2L, "b", 2));
      live.add(2L);
      sink.committer().commit(1, Map.of("users:0", 2L), writer.prepareCommit(1));
      ((SupportsDelete) writer).delete(new Row(1L, null, null));
      live.remove(1L);
      writer.write(new Row(3L, "c", 3));
      live.add(3L);
      sink.committer().commit(2, Map.of("users:0", 4L, "users:1", 7L), writer.prepareCommit(2));
      writer.close();
    }
    return live;
  }

  @Test
  void describesUpsertKeyDeletesLiveRowsPropertiesAndSourcePositions() {
    Set<Long> live = upsertThreeKeysAndDeleteOne();

    TableDescription d;
    try (TableInspector tables = TableInspectors.open(TestTables.catalog(dir))) {
      d = tables.describe("analytics.orders", 20);
    }

    assertThat(d.key()).containsExactly("user_id");
    assertThat(d.sortOrder()).isEqualTo("unsorted");
    assertThat(d.properties()).containsEntry("a.b", "c");
    assertThat(d.totals().records()).isEqualTo(3);
    assertThat(d.totals().liveRows()).isEqualTo(live.size());
    assertThat(d.totals().equalityDeleteFiles()).isPositive();
    assertThat(d.commits())
        .extracting(TableDescription.Commit::sourcePositions)
        .containsExactly(Map.of("users:0", 4L, "users:1", 7L), Map.of("users:0", 2L));
  }

  @Test
  void scanReadsTheRowsLeftAfterDeletes() {
    Set<Long> live = upsertThreeKeysAndDeleteOne();

    ScanStats scan;
    try (TableInspector tables = TableInspectors.open(TestTables.catalog(dir))) {
      scan = tables.scan("analytics.orders");
    }

    assertThat(scan.rows()).isEqualTo(live.size());
    assertThat(scan.dataFiles()).isPositive();
    assertThat(scan.deleteFiles()).isPositive();
  }

  @Test
  void acceptsTheDefaultCatalogAndEveryIcebergCatalogType() {
    IcebergTableInspectorFactory factory = new IcebergTableInspectorFactory();

    assertThat(factory.accepts(null)).isTrue();
    assertThat(factory.accepts(Map.of("warehouse", "w"))).isTrue();
    assertThat(factory.accepts(Map.of("catalog-impl", "com.example.MyCatalog"))).isTrue();
    assertThat(factory.accepts(Map.of("type", "REST", "uri", "http://localhost:8181"))).isTrue();
    assertThat(factory.accepts(Map.of("type", "hudi"))).isFalse();
    assertThat(factory.accepts(Map.of("type", 5))).isFalse();
  }

  @Test
  void aCatalogTypeNoFormatReadsIsASpecProblemListingTheTypesThatAre() {
    assertThatThrownBy(() -> TableInspectors.open(Map.of("type", "jbdc")))
        .isInstanceOf(SpecException.class)
        .hasMessage(
            "1 problem in the pipeline spec:\n"
                + "  catalog.type: no table format on the class path reads catalog type \"jbdc\""
                + " (Iceberg reads jdbc, rest, hive, nessie, glue, hadoop); give a type one of them"
                + " reads, or put the module of the catalog's table format on the class path");
  }

  @Test
  void describingAMissingTableSaysSo() {
    try (TableInspector tables = TableInspectors.open(TestTables.catalog(dir))) {
      assertThatThrownBy(() -> tables.describe("analytics.nope", 20))
          .isInstanceOf(PipelineException.class)
          .hasMessage("Table analytics.nope does not exist in catalog lakestream");
    }
  }
}
