package io.lakestream.hudi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.core.error.FencedException;
import io.lakestream.core.error.PipelineException;
import io.lakestream.core.error.RecordException;
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
import io.lakestream.core.sink.SupportsSchemaChange;
import io.lakestream.core.spec.WriterId;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
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
              new HoodieJavaEngineContext(table.storageConf()), table.writeConfig())) {
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

  @ParameterizedTest
  @ValueSource(strings = {"copy-on-write", "merge-on-read"})
  void rowsHudiWouldRejectAreRefusedBeforeStagingAndTheRestCommits(String type) {
    try (Sink sink = open(type, Map.of("ordering-field", "updated_at"))) {
      SinkWriter writer = sink.createWriter(0);
      SinkCommitter committer = sink.committer();
      committer.fence();
      writer.write(order(1, 10, 1));

      assertThatThrownBy(() -> writer.write(new Row(2L, 20L, null, "r2")))
          .isInstanceOf(RecordException.class)
          .hasMessage(
              "Hudi table shop.orders rejects the row: its ordering field \"updated_at\" is null");
      assertThatThrownBy(() -> writer.write(new Row(null, 30L, 3L, "r3")))
          .isInstanceOf(RecordException.class)
          .hasMessage(
              "Hudi table shop.orders rejects the row: its key column \"order_id\" is null");
      ((SupportsDelete) writer).delete(new Row(7L, null, null, null)); // a delete needs no order
      writer.write(order(4, 40, 4));

      assertThat(committer.commit(1, Map.of(), writer.prepareCommit(1)).committed()).isTrue();
      committer.close();
    }
    assertThat(table()).containsExactly(Map.entry(1L, 10L), Map.entry(4L, 40L));
  }

  @ParameterizedTest
  @ValueSource(strings = {"copy-on-write"})
  void aKeyHudiRefusesIsRefusedWithHudisReason(String type) {
    Map<String, Object> config =
        Map.of(
            "path",
            dir.resolve("orders").toString(),
            "table",
            "shop.orders",
            "type",
            type,
            "operation",
            "upsert",
            "record-key",
            List.of("region"));
    try (Sink sink =
        new HudiSinkFactory()
            .open(
                new SinkContext(
                    WriterId.of("p1"), config, "shop.orders", ORDERS, SinkContext.Role.OUTPUT))) {
      SinkWriter writer = sink.createWriter(0);

      assertThatThrownBy(() -> writer.write(new Row(1L, 10L, 1L, "")))
          .isInstanceOf(RecordException.class)
          .hasMessageStartingWith("Hudi table shop.orders rejects the row: ")
          .hasMessageContaining("region");
      assertThat(writer.prepareCommit(1)).isEmpty(); // nothing was staged
      writer.close();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"copy-on-write", "merge-on-read"})
  void columnsTheRowsGainFollowIntoTheTableAndAreNeverDropped(String type) {
    Schema wider =
        new Schema(
            List.of(
                ORDERS.field(0),
                ORDERS.field(1),
                ORDERS.field(2),
                ORDERS.field(3),
                Field.optional("note", DataType.Primitive.STRING)));
    try (Sink sink = open(type, Map.of())) {
      SinkWriter writer = sink.createWriter(0);
      SinkCommitter committer = sink.committer();
      committer.fence();
      writer.write(order(1, 10, 1));
      committer.commit(1, Map.of(), writer.prepareCommit(1));
      writer.write(order(2, 20, 2)); // before the change, in the checkpoint that has it

      ((SupportsSchemaChange) writer).evolve(wider);
      writer.write(new Row(3L, 30L, 3L, "r0", "hello"));
      writer.write(new Row(1L, 11L, 4L, "r1", "again"));
      committer.commit(2, Map.of(), writer.prepareCommit(2));
      committer.close();
    }
    // a later run whose rows lack the column (it reads an older shape) keeps it in the table
    try (Sink sink = open(type, Map.of())) {
      SinkWriter writer = sink.createWriter(0);
      sink.committer().fence();
      writer.write(order(4, 40, 5));
      sink.committer().commit(3, Map.of(), writer.prepareCommit(3));
      sink.committer().close();
    }

    Map<Long, List<Object>> rows = new TreeMap<>();
    for (Map<String, Object> row :
        HudiSnapshotReader.read(dir.resolve("orders").toUri().toString())) {
      rows.put((Long) row.get("order_id"), Arrays.asList(row.get("amount"), row.get("note")));
    }
    assertThat(rows)
        .containsExactly(
            Map.entry(1L, Arrays.asList(11L, "again")),
            Map.entry(2L, Arrays.asList(20L, null)),
            Map.entry(3L, Arrays.asList(30L, "hello")),
            Map.entry(4L, Arrays.asList(40L, null)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"copy-on-write"})
  void aColumnThatNarrowsOrMovesIsRefused(String type) {
    Schema moved =
        new Schema(List.of(ORDERS.field(1), ORDERS.field(0), ORDERS.field(2), ORDERS.field(3)));
    try (Sink sink = open(type, Map.of())) {
      SinkWriter writer = sink.createWriter(0);

      assertThatThrownBy(() -> ((SupportsSchemaChange) writer).evolve(moved))
          .isInstanceOf(PipelineException.class)
          .hasMessage(
              "The rows of Hudi table shop.orders changed shape in a way the table cannot follow:"
                  + " column 1 is now \"amount\", was \"order_id\". Only new columns and wider"
                  + " types (int to long, float to double, more decimal digits) follow; write the"
                  + " changed rows to a new table");
      writer.close();
    }
  }

  /**
   * Aggressive archival, then commits of another writer of the table (a compaction service, a Hudi
   * job) until every instant of the pipeline is archived: the committer still finds its last
   * checkpoint, and skips it when it is committed again.
   */
  @ParameterizedTest
  @ValueSource(strings = {"copy-on-write", "merge-on-read"})
  void findsItsLastCheckpointAfterArchivalMovedItsInstants(String type) throws Exception {
    Map<String, Object> archival =
        Map.of(
            "properties",
            Map.of(
                "hoodie.keep.min.commits", "2",
                "hoodie.keep.max.commits", "3",
                "hoodie.clean.commits.retained", "1"));
    try (Sink sink = open(type, archival)) {
      SinkWriter writer = sink.createWriter(0);
      sink.committer().fence();
      for (long checkpoint = 1; checkpoint <= 3; checkpoint++) {
        writer.write(order(checkpoint, checkpoint * 10, checkpoint));
        List<Committable> committables = writer.prepareCommit(checkpoint);
        sink.committer().commit(checkpoint, Map.of("orders:0", checkpoint * 7), committables);
      }
      HudiTable table = ((HudiSink) sink).hudiTable();
      try (HoodieJavaWriteClient<DefaultHoodieRecordPayload> foreign =
          new HoodieJavaWriteClient<>(
              new HoodieJavaEngineContext(table.storageConf()), table.writeConfig())) {
        for (long id = 100; id < 108; id++) {
          String instant = foreign.startCommit();
          foreign.commit(
              instant,
              foreign.upsert(
                  List.of(
                      new HoodieAvroRecord<>(
                          new HoodieKey(Long.toString(id), ""),
                          new DefaultHoodieRecordPayload(
                              AvroRows.record(order(id, id, id), ORDERS, table.avroSchema()), 0))),
                  instant));
        }
      }
      sink.committer().close();
    }
    assertThat(checkpointsOnTimeline()).as("the active timeline holds no checkpoint").isEmpty();

    try (Sink sink = open(type, archival)) {
      SinkCommitter committer = sink.committer();
      committer.fence();

      assertThat(committer.lastCommitted())
          .contains(new SinkCommitter.CommittedCheckpoint(3, Map.of("orders:0", 21L)));
      assertThat(committer.commit(3, Map.of("orders:0", 21L), List.of()).committed()).isFalse();
      assertThat(committer.commit(4, Map.of("orders:0", 28L), List.of()).committed()).isTrue();
      committer.close();
    }
    assertThat(checkpointsOnTimeline()).containsExactly(4L);
  }
}
