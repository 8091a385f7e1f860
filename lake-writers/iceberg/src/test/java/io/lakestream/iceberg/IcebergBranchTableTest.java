package io.lakestream.iceberg;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.core.sink.BranchTable;
import io.lakestream.core.sink.RowRange;
import io.lakestream.core.sink.Sink;
import io.lakestream.core.sink.SinkContext;
import io.lakestream.core.spec.WriterId;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.iceberg.Snapshot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backfill's branch of a real Iceberg table on a JDBC catalog: it starts without the main line's
 * rows, holds what is committed to it, and its range replaces exactly the main line's rows of that
 * range, keeping rows outside it and rows the live writer committed meanwhile; a concurrent commit
 * into the range makes the publish plan again, and publishing twice changes nothing.
 */
class IcebergBranchTableTest {
  private static final String BRANCH = "backfill-1";
  private static final RowRange DAY_TWO =
      new RowRange(
          "event_time",
          Orders.START.plus(Duration.ofDays(1)),
          Orders.START.plus(Duration.ofDays(2)));

  @TempDir Path dir;

  @AfterEach
  void resetHooks() {
    HookedJdbcCatalog.reset();
  }

  @Test
  void replacesTheRangeOfTheMainLineWithTheBranchOnce() {
    List<Orders> live = Orders.generate(1, 0, 2_000);
    commit(WriterId.of(TestTables.PIPELINE), null, 1, live);

    List<Orders> recomputed =
        Orders.generate(2, 10_000, 1_500).stream().filter(o -> inRange(o)).toList();
    try (BranchTable branch = openBranch(false)) {
      assertThat(branch.startEmpty()).isTrue();
      assertThat(branch.startEmpty()).isFalse();
      assertThat(rows(branch, BranchTable.Line.BRANCH)).isEmpty();
      assertThat(rows(branch, BranchTable.Line.MAIN)).isEqualTo(ids(inRange(live)));
    }
    commit(new WriterId(TestTables.PIPELINE, BRANCH), BRANCH, 1, recomputed);
    // the live writer goes on committing, outside the range
    List<Orders> later = Orders.generate(3, 20_000, 500).stream().filter(o -> !inRange(o)).toList();
    commit(WriterId.of(TestTables.PIPELINE), null, 2, later);

    BranchTable.Published published;
    try (BranchTable branch = openBranch(false)) {
      assertThat(rows(branch, BranchTable.Line.BRANCH)).isEqualTo(ids(recomputed));
      published = branch.replace(DAY_TWO);
    }
    List<Orders> expected = new ArrayList<>();
    live.stream().filter(o -> !inRange(o)).forEach(expected::add);
    expected.addAll(later);
    expected.addAll(recomputed);
    assertThat(published.committed()).isTrue();
    assertThat(published.removed()).isEqualTo(inRange(live).size());
    assertThat(published.added()).isEqualTo(recomputed.size());
    assertThat(tableRows()).containsExactlyInAnyOrderElementsOf(Orders.expected(expected));

    try (BranchTable branch = openBranch(false)) {
      assertThat(branch.replace(DAY_TWO).committed()).isFalse();
    }
    assertThat(tableRows()).containsExactlyInAnyOrderElementsOf(Orders.expected(expected));
    // the live writer still finds its last checkpoint on the main line
    try (Sink sink = TestTables.open(dir, Orders.SCHEMA, Map.of())) {
      assertThat(sink.committer().lastCommitted().orElseThrow().checkpointId()).isEqualTo(2);
    }
  }

  @Test
  void aConcurrentCommitIntoTheRangeMakesThePublishPlanAgain() {
    List<Orders> live = Orders.generate(4, 0, 1_000);
    commit(WriterId.of(TestTables.PIPELINE), null, 1, live);
    List<Orders> recomputed =
        Orders.generate(5, 10_000, 600).stream().filter(o -> inRange(o)).toList();
    try (BranchTable branch = openBranch(false)) {
      branch.startEmpty();
    }
    commit(new WriterId(TestTables.PIPELINE, BRANCH), BRANCH, 1, recomputed);

    List<Orders> raced = Orders.generate(6, 20_000, 300).stream().filter(o -> inRange(o)).toList();
    AtomicBoolean once = new AtomicBoolean();
    HookedJdbcCatalog.BEFORE_COMMIT.set(
        () -> {
          if (once.compareAndSet(false, true)) {
            commit(WriterId.of(TestTables.PIPELINE), null, 2, raced);
          }
        });
    BranchTable.Published published;
    try (BranchTable branch = openBranch(true)) {
      published = branch.replace(DAY_TWO);
    }
    assertThat(once).isTrue();
    List<Orders> expected = new ArrayList<>();
    live.stream().filter(o -> !inRange(o)).forEach(expected::add);
    expected.addAll(recomputed);
    assertThat(published.removed()).isEqualTo(inRange(live).size() + raced.size());
    assertThat(tableRows()).containsExactlyInAnyOrderElementsOf(Orders.expected(expected));
    long publishes =
        TestTables.inspect(
            dir,
            t -> {
              long n = 0;
              for (Snapshot s : t.snapshots()) {
                n += s.summary().containsKey(IcebergBranchTable.PUBLISHED) ? 1 : 0;
              }
              return n;
            });
    assertThat(publishes).isEqualTo(1);
  }

  private BranchTable openBranch(boolean hooked) {
    Map<String, Object> config = new LinkedHashMap<>(TestTables.config(dir, Map.of()));
    if (hooked) {
      Map<String, Object> catalog = new LinkedHashMap<>(TestTables.catalog(dir));
      catalog.remove("type");
      catalog.put("catalog-impl", HookedJdbcCatalog.class.getName());
      config.put("catalog", catalog);
    }
    return new IcebergSinkFactory()
        .openBranch(
            new SinkContext(
                    WriterId.of(TestTables.PIPELINE),
                    config,
                    TestTables.TABLE,
                    Orders.SCHEMA,
                    SinkContext.Role.OUTPUT)
                .withBranch(BRANCH));
  }

  private void commit(WriterId writer, String branch, long checkpoint, List<Orders> orders) {
    try (Sink sink =
        new IcebergSinkFactory()
            .open(
                new SinkContext(
                        writer,
                        TestTables.config(dir, Map.of()),
                        TestTables.TABLE,
                        Orders.SCHEMA,
                        SinkContext.Role.OUTPUT)
                    .withBranch(branch))) {
      sink.committer()
          .commit(
              checkpoint,
              Map.of("t:0", checkpoint),
              TestTables.write(sink, 0, Orders.rows(orders), checkpoint));
    }
  }

  /** The table's rows, without the row positions the reader adds where position deletes apply. */
  private List<Object> tableRows() {
    return TestTables.read(dir).stream()
        .map(r -> (Object) ((List<?>) TestTables.plain(r)).subList(0, Orders.SCHEMA.size()))
        .toList();
  }

  private static boolean inRange(Orders o) {
    return DAY_TWO.contains(o.eventTime());
  }

  private static List<Orders> inRange(List<Orders> orders) {
    return orders.stream().filter(IcebergBranchTableTest::inRange).toList();
  }

  private static List<Long> ids(List<Orders> orders) {
    return orders.stream().map(Orders::orderId).sorted().toList();
  }

  private static List<Long> rows(BranchTable branch, BranchTable.Line line) {
    List<Long> ids = new ArrayList<>();
    branch.read(line, DAY_TWO, r -> ids.add((Long) r.get("order_id")));
    ids.sort(Comparator.naturalOrder());
    return ids;
  }
}
