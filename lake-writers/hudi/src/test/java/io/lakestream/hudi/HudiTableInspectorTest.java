package io.lakestream.hudi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.core.error.PipelineException;
import io.lakestream.core.inspect.TableDescription;
import io.lakestream.core.inspect.TableInspector;
import io.lakestream.core.inspect.TableInspectors;
import io.lakestream.core.record.Row;
import io.lakestream.core.sink.Sink;
import io.lakestream.core.sink.SinkCommitter;
import io.lakestream.core.sink.SinkContext;
import io.lakestream.core.sink.SinkWriter;
import io.lakestream.core.spec.WriterId;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tables} and {@code describe} on a real merge-on-read table written by the sink. */
class HudiTableInspectorTest {
  @TempDir Path dir;

  @Test
  void describesTypeKeyOrderingPartitionsFileGroupsAndTheCheckpointOfEachInstant() {
    Map<String, Object> config = new HashMap<>();
    config.put("path", dir.resolve("hudi/orders").toString());
    config.put("table", "shop.orders");
    config.put("type", "merge-on-read");
    config.put("operation", "upsert");
    config.put("record-key", List.of("order_id", "region"));
    config.put("ordering-field", "updated_at");
    config.put("partition-by", List.of("region"));
    config.put("compaction", "maintenance");
    Map<Long, Long> live = new HashMap<>();
    try (Sink sink =
        new HudiSinkFactory()
            .open(
                new SinkContext(
                    WriterId.of("p1"),
                    config,
                    "shop.orders",
                    HudiCommitterTest.ORDERS,
                    SinkContext.Role.OUTPUT))) {
      SinkCommitter committer = sink.committer();
      committer.fence();
      for (long checkpoint = 1; checkpoint <= 3; checkpoint++) {
        SinkWriter writer = sink.createWriter(0);
        for (long id = 0; id < 10 * checkpoint; id++) {
          writer.write(new Row(id, checkpoint, checkpoint, id % 2 == 0 ? "eu" : "us"));
          live.put(id, checkpoint);
        }
        committer.commit(
            checkpoint, Map.of("orders:0", checkpoint * 10), writer.prepareCommit(checkpoint));
        writer.close();
      }
      committer.close();
    }

    Map<String, Object> catalog =
        HudiTableInspectorFactory.catalogOf(Map.of("path", dir.resolve("hudi/orders") + "/"));
    try (TableInspector tables = TableInspectors.open(catalog)) {
      assertThat(tables.list()).containsExactly("orders");
      TableDescription d = tables.describe("shop.orders", 2);

      assertThat(d.format()).isEqualTo("Hudi");
      assertThat(d.formatVersion()).isEqualTo(8);
      assertThat(d.key()).containsExactly("order_id", "region");
      assertThat(d.partitioning()).isEqualTo("region");
      assertThat(d.details())
          .containsEntry("table type", "MERGE_ON_READ")
          .containsEntry("ordering", "updated_at");
      assertThat(d.details().get("file groups")).contains("in 2 partitions");
      assertThat(d.columns()).extracting(TableDescription.Column::name).contains("order_id");
      assertThat(d.commitCount()).isEqualTo(3);
      assertThat(d.commits())
          .extracting(TableDescription.Commit::operation, TableDescription.Commit::checkpointId)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("deltacommit", 3L),
              org.assertj.core.groups.Tuple.tuple("deltacommit", 2L));
      assertThat(d.commits().get(0).sourcePositions()).isEqualTo(Map.of("orders:0", 30L));
      assertThat(d.writers())
          .singleElement()
          .satisfies(
              w -> {
                assertThat(w.writer()).isEqualTo(WriterId.of("p1"));
                assertThat(w.checkpointId()).isEqualTo(3L);
              });
      assertThat(d.totals().liveRows()).isEqualTo(live.size());
      assertThat(tables.scan("orders").rows()).isEqualTo(live.size());
      assertThatThrownBy(() -> tables.describe("shop.missing", 1))
          .isInstanceOf(PipelineException.class)
          .hasMessageContaining("No Hudi table missing")
          .hasMessageContaining("orders");
    }
  }
}
