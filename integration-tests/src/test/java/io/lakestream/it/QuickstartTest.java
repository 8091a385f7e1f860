package io.lakestream.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.LongStream;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's front door: {@code lakestream quickstart}, then {@code tables} and {@code describe}
 * on what it wrote, each a separate process in a fresh working directory.
 */
class QuickstartTest {
  private static final int EVENTS = 5000;

  @TempDir Path dir;

  private PipelineProcess lakestream(String... args) throws Exception {
    return PipelineProcess.startIn(dir, dir.resolve("logs"), List.of(), args);
  }

  @Test
  void quickstartLandsEverySampleEventAndTheMalformedOnesAndTheCommandsShowThem() throws Exception {
    try (PipelineProcess quickstart =
        lakestream("quickstart", "--events", String.valueOf(EVENTS))) {
      assertThat(quickstart.waitFor(Duration.ofMinutes(3))).as(quickstart.tail()).isZero();
      assertThat(quickstart.stdout())
          .contains("Table shop.orders", "Table shop.orders_dead_letter");
    }

    // sample events have event_id 0..N-1 and amounts of at least 0.01, so the filter keeps them all
    TestPipeline tables = TestPipeline.of(dir.resolve("quickstart-work"), "unused", "orders");
    List<Long> ids =
        LakeTables.rows(tables, "shop.orders").stream()
            .map(r -> (Long) r.getField("event_id"))
            .sorted()
            .toList();
    assertThat(ids).isEqualTo(LongStream.range(0, EVENTS).boxed().toList());
    List<Record> dead = LakeTables.rows(tables, "shop.orders_dead_letter");
    assertThat(dead)
        .hasSize(3)
        .allSatisfy(r -> assertThat(r.getField("stage")).isEqualTo("decode"));

    try (PipelineProcess list = lakestream("tables", "--warehouse", "quickstart-work/warehouse")) {
      assertThat(list.waitFor(Duration.ofMinutes(1))).as(list.tail()).isZero();
      assertThat(list.stdout().lines()).containsExactly("shop.orders", "shop.orders_dead_letter");
    }
    try (PipelineProcess describe =
        lakestream("describe", "shop.orders", "--warehouse", "quickstart-work/warehouse")) {
      assertThat(describe.waitFor(Duration.ofMinutes(1))).as(describe.tail()).isZero();
      assertThat(describe.stdout())
          .contains("partitioning: day(event_time), bucket(8, user_id)")
          .contains(String.format("current:      %,d rows", EVENTS))
          .contains("quickstart-orders");
    }
  }
}
