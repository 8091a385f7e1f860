package io.lakestream.hudi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.core.error.FencedException;
import io.lakestream.core.record.DataType;
import io.lakestream.core.record.Field;
import io.lakestream.core.record.Row;
import io.lakestream.core.record.Schema;
import io.lakestream.core.sink.Committable;
import io.lakestream.core.sink.Sink;
import io.lakestream.core.sink.SinkCommitter;
import io.lakestream.core.sink.SinkContext;
import io.lakestream.core.sink.SinkWriter;
import io.lakestream.core.sink.SupportsDelete;
import io.lakestream.core.spec.WriterId;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hudi.client.HoodieJavaWriteClient;
import org.apache.hudi.client.common.HoodieJavaEngineContext;
import org.apache.hudi.common.model.DefaultHoodieRecordPayload;
import org.apache.hudi.common.model.HoodieAvroRecord;
import org.apache.hudi.common.model.HoodieKey;
import org.apache.hudi.common.model.HoodieRecord;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The committer against real Hudi tables on local disk, read back with Hudi's own reader. */
class HudiCommitterTest {
  static final Schema ORDERS =
      new Schema(
          List.of(
              Field.required("order_id", DataType.Primitive.LONG),
              Field.optional("amount", DataType.Primitive.LONG),
              Field.optional("updated_at", DataType.Primitive.LONG),
              Field.optional("region", DataType.Primitive.STRING)));

  @TempDir Path dir;

  private Sink open(String type, Map<String, Object> extra) {
    Map<String, Object> config = new HashMap<>();
    config.put("path", dir.resolve("orders").toString());
    config.put("table", "shop.orders");
    config.put("type", type);
    config.put("operation", "upsert");
    config.put("record-key", List.of("order_id"));
    config.putAll(extra);
    return new HudiSinkFactory()
        .open(
            new SinkContext(
                WriterId.of("p1"), config, "shop.orders", ORDERS, SinkContext.Role.OUTPUT));
  }

  private static Row order(long id, long amount, long updatedAt) {
    return new Row(id, amount, updatedAt, "r" + (id % 3));
  }

  /** Reads the table with Hudi's reader: order_id to amount. */
  private Map<Long, Long> table() {
    Map<Long, Long> rows = new TreeMap<>();
    for (Map<String, Object> row :
        HudiSnapshotReader.read(dir.resolve("orders").toUri().toString())) {
      Long previous = rows.put((Long) row.get("order_id"), (Long) row.get("amount"));
      assertThat(previous).as("key %s appears twice", row.get("order_id")).isNull();
    }
    return rows;
  }

  private List<Long> checkpointsOnTimeline() {
    HudiTableInspection inspection =
        new HudiTableInspection(dir.resolve("orders").toUri().toString());
    return inspection.checkpoints();
  }

  @ParameterizedTest
  @ValueSource(strings = {"copy-on-write", "merge-on-read"})
  void upsertsAndDeletesAcrossCheckpointsLeaveTheNewestRowPerKey(String type) {
    Map<Long, Long> reference = new TreeMap<>();
    try (Sink sink =
        open(type, type.equals("merge-on-read") ? Map.of("compact-every", 2) : Map.of())) {
      SinkWriter writer = sink.createWriter(0);
      SinkCommitter committer = sink.committer();
      committer.fence();
      long next = 0;
      for (long checkpoint = 1; checkpoint <= 4; checkpoint++) {
        for (int i = 0; i < 50; i++) {
          long id = (checkpoint * 7 + i * 3) % 60;
          long amount = checkpoint * 1000 + i;
          writer.write(order(id, amount, next++));
          reference.put(id, amount);
        }
        long gone = checkpoint * 5;
        ((SupportsDelete) writer).delete(new Row(gone, null, null, null));
        reference.remove(gone);
        SinkCommitter.CommitResult result =
            committer.commit(
                checkpoint, Map.of("orders:0", checkpoint * 100), writer.prepareCommit(checkpoint));
        assertThat(result.committed()).isTrue();
      }
      writer.close();
      committer.close();
    }

    assertThat(table()).isEqualTo(reference);
    assertThat(checkpointsOnTimeline()).containsExactly(1L, 2L, 3L, 4L);
  }

  @ParameterizedTest
  @ValueSource(strings = {"copy-on-write", "merge-on-read"})
  void skipsACheckpointTheTableAlreadyRecords(String type) {
    try (Sink sink = open(type, Map.of())) {
      SinkWriter writer = sink.createWriter(0);
      SinkCommitter committer = sink.committer();
      committer.fence();
      writer.write(order(1, 10, 1));
      List<Committable> first = writer.prepareCommit(1);
      committer.commit(1, Map.of("orders:0", 5L), first);

      SinkCommitter.CommitResult again = committer.commit(1, Map.of("orders:0", 5L), first);

      assertThat(again.committed()).isFalse();
      assertThat(committer.lastCommitted())
          .contains(new SinkCommitter.CommittedCheckpoint(1, Map.of("orders:0", 5L)));
      committer.close();
    }
    assertThat(checkpointsOnTimeline()).containsExactly(1L);
    assertThat(table()).containsExactly(Map.entry(1L, 10L));
  }

  @ParameterizedTest
  @ValueSource(strings = {"copy-on-write", "merge-on-read"})
  void aNewerValueOfTheOrderingFieldWinsAcrossCheckpoints(String type) {
    try (Sink sink = open(type, Map.of("ordering-field", "updated_at"))) {
      SinkWriter writer = sink.createWriter(0);
      SinkCommitter committer = sink.committer();
      committer.fence();
      writer.write(order(1, 10, 100));
      writer.write(order(1, 5, 50)); // older within the checkpoint
      committer.commit(1, Map.of(), writer.prepareCommit(1));
      writer.write(order(1, 7, 70)); // older across checkpoints
      writer.write(order(2, 20, 10));
      committer.commit(2, Map.of(), writer.prepareCommit(2));
      committer.close();
    }
    assertThat(table()).containsExactly(Map.entry(1L, 10L), Map.entry(2L, 20L));
  }

  @ParameterizedTest
  @ValueSource(strings = {"copy-on-write", "merge-on-read"})
  void recoveryRollsBackAnInstantACrashLeftAndCommitsThePersistedCheckpoint(String type)
      throws Exception {
    List<Committable> persisted;
    try (Sink crashed = open(type, Map.of())) {
      SinkWriter writer = crashed.createWriter(0);
      crashed.committer().fence();
      writer.write(order(1, 10, 1));
      crashed.committer().commit(1, Map.of("orders:0", 1L), writer.prepareCommit(1));
      writer.write(order(1, 11, 2));
      writer.write(order(2, 20, 2));
      persisted = writer.prepareCommit(2);
      // the crash: checkpoint 2 persisted, its instant written but never completed
      HudiTable table = ((HudiSink) crashed).hudiTable();
      try (HoodieJavaWriteClient<DefaultHoodieRecordPayload> client =
          new HoodieJavaWriteClient<>(
              new HoodieJavaEngineContext(HudiTable.storageConf()), table.writeConfig())) {
        String instant = client.startCommit();
        List<HoodieRecord<DefaultHoodieRecordPayload>> rows = new ArrayList<>();
        rows.add(
            new HoodieAvroRecord<>(
                new HoodieKey("3", ""),
                new DefaultHoodieRecordPayload(
                    AvroRows.record(order(3, 30, 3), ORDERS, table.avroSchema()), 0)));
        client.upsert(rows, instant);
      }
      crashed.committer().close();
    }

    try (Sink recovered = open(type, Map.of())) {
      SinkCommitter committer = recovered.committer();
      committer.fence();
      assertThat(committer.lastCommitted().map(SinkCommitter.CommittedCheckpoint::checkpointId))
          .contains(1L);
      assertThat(committer.commit(2, Map.of("orders:0", 2L), persisted).committed()).isTrue();
      committer.close();
    }

    assertThat(table()).containsExactly(Map.entry(1L, 11L), Map.entry(2L, 20L));
    assertThat(checkpointsOnTimeline()).containsExactly(1L, 2L);
    assertThat(new HudiTableInspection(dir.resolve("orders").toUri().toString()).pending())
        .isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"copy-on-write"})
  void aFencedInstanceCannotCommit(String type) {
    try (Sink old = open(type, Map.of());
        Sink newer = open(type, Map.of())) {
      old.committer().fence();
      SinkWriter writer = old.createWriter(0);
      writer.write(order(1, 10, 1));
      List<Committable> committables = writer.prepareCommit(1);
      newer.committer().fence();

      assertThatThrownBy(() -> old.committer().commit(1, Map.of(), committables))
          .isInstanceOf(FencedException.class)
          .hasMessage(
              "Pipeline p1 is owned by another instance: Hudi table shop.orders holds fencing"
                  + " epoch 2, this instance holds 1. Stop this instance.");
      old.committer().close();
      newer.committer().close();
    }
    assertThat(checkpointsOnTimeline()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"copy-on-write"})
  void rowsKeyedByThePipelineAreUpsertedByThatKey(String type) {
    Map<String, Object> config =
        Map.of("path", dir.resolve("orders").toString(), "table", "shop.orders", "type", type);
    try (Sink sink =
        new HudiSinkFactory()
            .open(
                new SinkContext(
                    WriterId.of("p1"),
                    config,
                    "shop.orders",
                    ORDERS,
                    SinkContext.Role.OUTPUT,
                    List.of("order_id")))) {
      SinkWriter writer = sink.createWriter(0);
      assertThat(writer).isInstanceOf(SupportsDelete.class);
      sink.committer().fence();
      writer.write(order(1, 10, 1));
      sink.committer().commit(1, Map.of(), writer.prepareCommit(1));
      writer.write(order(1, 12, 2));
      sink.committer().commit(2, Map.of(), writer.prepareCommit(2));
      sink.committer().close();
    }
    assertThat(table()).containsExactly(Map.entry(1L, 12L));
  }

  @ParameterizedTest
  @ValueSource(strings = {"copy-on-write", "merge-on-read"})
  void aCheckpointWithoutRowsStillRecordsItsPositions(String type) {
    try (Sink sink = open(type, Map.of())) {
      SinkCommitter committer = sink.committer();
      committer.fence();

      assertThat(committer.commit(1, Map.of("orders:0", 9L), List.of()).committed()).isTrue();

      assertThat(committer.lastCommitted())
          .contains(new SinkCommitter.CommittedCheckpoint(1, Map.of("orders:0", 9L)));
      committer.close();
    }
    assertThat(table()).isEmpty();
  }
}
