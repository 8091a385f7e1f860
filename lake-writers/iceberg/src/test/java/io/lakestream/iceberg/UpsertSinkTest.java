package io.lakestream.iceberg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.core.error.FencedException;
import io.lakestream.core.error.PipelineException;
import io.lakestream.core.record.DataType;
import io.lakestream.core.record.Field;
import io.lakestream.core.record.Row;
import io.lakestream.core.record.Schema;
import io.lakestream.core.sink.Committable;
import io.lakestream.core.sink.Sink;
import io.lakestream.core.sink.SinkCommitter.CommitResult;
import io.lakestream.core.sink.SinkCommitter.CommittedCheckpoint;
import io.lakestream.core.sink.SinkWriter;
import io.lakestream.core.sink.SupportsDelete;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UpsertSinkTest {
  /** user_id is optional in the pipeline: upsert mode makes it a required identifier field. */
  static final Schema USERS =
      new Schema(
          List.of(
              Field.optional("user_id", DataType.Primitive.LONG),
              Field.optional("name", DataType.Primitive.STRING),
              Field.optional("score", DataType.Primitive.INT)));

  private static final int TASKS = 3;

  @TempDir Path dir;

  /** One change of the operation list: an upsert of (key, name, score) or a delete of key. */
  record Op(boolean delete, long key, String name, Integer score) {
    Row row() {
      return delete ? new Row(key, null, null) : new Row(key, name, score);
    }
  }

  private static Map<String, Object> upsert(Object... more) {
    Map<String, Object> options = new LinkedHashMap<>();
    options.put("mode", "upsert");
    options.put("key", List.of("user_id"));
    for (int i = 0; i < more.length; i += 2) {
      options.put((String) more[i], more[i + 1]);
    }
    return options;
  }

  private Sink open(Map<String, Object> options) {
    return TestTables.open(dir, USERS, options);
  }

  /** A seeded list of checkpoints of changes over about 300 keys. */
  private static List<List<Op>> operations(long seed, int checkpoints, int perCheckpoint) {
    Random r = new Random(seed);
    List<List<Op>> all = new ArrayList<>();
    for (int c = 0; c < checkpoints; c++) {
      List<Op> ops = new ArrayList<>();
      for (int i = 0; i < perCheckpoint; i++) {
        int kind = r.nextInt(10);
        long key;
        if (kind == 0) {
          key = 10_000 + r.nextInt(1_000); // never upserted
        } else if (kind < 4) {
          key = r.nextInt(15); // hot keys, changed many times in one checkpoint
        } else {
          key = r.nextInt(300);
        }
        boolean delete = kind == 0 || r.nextInt(4) == 0;
        ops.add(
            new Op(
                delete,
                key,
                r.nextInt(8) == 0 ? null : "name-" + r.nextInt(1_000),
                r.nextInt(8) == 0 ? null : r.nextInt(100)));
      }
      all.add(ops);
    }
    return all;
  }

  /** The table a list of changes must produce, computed without the sink: key → row. */
  private static Map<Long, List<Object>> model(List<List<Op>> checkpoints) {
    Map<Long, List<Object>> rows = new HashMap<>();
    for (List<Op> ops : checkpoints) {
      for (Op op : ops) {
        if (op.delete()) {
          rows.remove(op.key());
        } else {
          rows.put(op.key(), Arrays.asList(op.key(), op.name(), op.score()));
        }
      }
    }
    return rows;
  }

  /** The table's rows by key; fails if a key appears twice. */
  private Map<Long, List<Object>> table() {
    List<Record> records = TestTables.read(dir);
    Map<Long, List<Object>> rows = new HashMap<>();
    for (Record r : records) {
      // the reader adds the row position (_pos) when it applies position deletes
      List<Object> values =
          Arrays.asList(r.getField("user_id"), r.getField("name"), r.getField("score"));
      assertThat(rows.put((Long) values.get(0), values)).as("duplicate key %s", values).isNull();
    }
    return rows;
  }

  private int snapshotCount() {
    return TestTables.inspect(
        dir,
        t -> {
          int n = 0;
          for (Snapshot ignored : t.snapshots()) {
            n++;
          }
          return n;
        });
  }

  /** Sends {@code ops} to the writers, each key always to the same task. */
  private static void apply(List<SinkWriter> writers, List<Op> ops) {
    for (Op op : ops) {
      SinkWriter writer = writers.get((int) (op.key() % writers.size()));
      if (op.delete()) {
        ((SupportsDelete) writer).delete(op.row());
      } else {
        writer.write(op.row());
      }
    }
  }

  private static List<Committable> prepare(List<SinkWriter> writers, long checkpoint) {
    List<Committable> committables = new ArrayList<>();
    writers.forEach(w -> committables.addAll(w.prepareCommit(checkpoint)));
    return committables;
  }

  private static List<SinkWriter> writers(Sink sink) {
    List<SinkWriter> writers = new ArrayList<>();
    for (int t = 0; t < TASKS; t++) {
      writers.add(sink.createWriter(t));
    }
    return writers;
  }

  @ParameterizedTest(name = "partition-by {0}, delete-mode {1}")
  @CsvSource({"'',position", "'',equality", "'bucket(5, user_id)',position"})
  void randomUpsertsAndDeletesMatchAReferenceModelAfterEveryCheckpoint(
      String partitionBy, String deleteMode) {
    List<List<Op>> checkpoints = operations(42, 6, 500);
    Map<String, Object> options =
        partitionBy.isEmpty()
            ? upsert("delete-mode", deleteMode)
            : upsert("partition-by", List.of(partitionBy), "delete-mode", deleteMode);

    try (Sink sink = open(options)) {
      List<SinkWriter> writers = writers(sink);
      for (int c = 0; c < checkpoints.size(); c++) {
        long checkpoint = c + 1;
        apply(writers, checkpoints.get(c));
        CommitResult result =
            sink.committer()
                .commit(
                    checkpoint, Map.of("users:0", checkpoint * 500), prepare(writers, checkpoint));

        assertThat(result.committed()).isTrue();
        assertThat(table())
            .as("after checkpoint %d", checkpoint)
            .isEqualTo(model(checkpoints.subList(0, c + 1)));
        if (c > 0 && deleteMode.equals("position")) {
          // keys the writers committed before are deleted by position, only keys new to them
          // (never upserted, or deleted before) by equality
          Map<String, String> summary = TestTables.inspect(dir, t -> t.currentSnapshot().summary());
          long equality = Long.parseLong(summary.getOrDefault("added-equality-deletes", "0"));
          long position = Long.parseLong(summary.getOrDefault("added-position-deletes", "0"));
          assertThat(position).as("checkpoint %d", checkpoint).isGreaterThan(2 * equality);
        }
      }
      writers.forEach(SinkWriter::close);
    }
    assertThat(unreferencedFiles()).as("unused fallback delete files are deleted").isEmpty();
  }

  /** Parquet files under the table's location that no snapshot added. */
  private List<Path> unreferencedFiles() {
    java.util.Set<String> listed =
        TestTables.inspect(
            dir,
            t -> {
              java.util.Set<String> files = new java.util.HashSet<>();
              for (Snapshot s : t.snapshots()) {
                s.addedDataFiles(t.io()).forEach(f -> files.add(localPath(f.location())));
                s.addedDeleteFiles(t.io()).forEach(f -> files.add(localPath(f.location())));
              }
              return files;
            });
    try (var paths = java.nio.file.Files.walk(dir.resolve("warehouse"))) {
      return paths
          .filter(p -> p.toString().endsWith(".parquet"))
          .filter(p -> !listed.contains(p.toString()))
          .toList();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String localPath(String location) {
    return Path.of(java.net.URI.create(location)).toString();
  }

  @Test
  void aKeyCommittedByAnEarlierCheckpointIsReplacedByAPositionDelete() {
    try (Sink sink = open(upsert())) {
      SinkWriter writer = sink.createWriter(0);
      writer.write(new Row(1L, "a", 1));
      writer.write(new Row(2L, "b", 2));
      writer.write(new Row(3L, "c", 3));
      sink.committer().commit(1, Map.of(), writer.prepareCommit(1));
      writer.write(new Row(1L, "a2", 10));
      ((SupportsDelete) writer).delete(new Row(2L, null, null));
      writer.write(new Row(4L, "d", 4));
      sink.committer().commit(2, Map.of(), writer.prepareCommit(2));
      writer.write(new Row(1L, "a3", 20)); // committed by checkpoint 2 now
      sink.committer().commit(3, Map.of(), writer.prepareCommit(3));
      writer.close();
    }

    assertThat(table())
        .isEqualTo(
            Map.of(
                1L, Arrays.asList(1L, "a3", 20),
                3L, Arrays.asList(3L, "c", 3),
                4L, Arrays.asList(4L, "d", 4)));
    Map<Long, Map<String, String>> summaries =
        TestTables.inspect(
            dir,
            t -> {
              Map<Long, Map<String, String>> bySequence = new HashMap<>();
              t.snapshots().forEach(s -> bySequence.put(s.sequenceNumber(), s.summary()));
              return bySequence;
            });
    // checkpoint 2: keys 1 and 2 by position, the new key 4 by equality (the index does not know
    // it)
    assertThat(summaries.get(2L))
        .containsEntry("added-position-deletes", "2")
        .containsEntry("added-equality-deletes", "1");
    assertThat(summaries.get(3L))
        .containsEntry("added-position-deletes", "1")
        .doesNotContainKey("added-equality-deletes");
    assertThat(unreferencedFiles()).as("unused fallback delete files are deleted").isEmpty();
  }

  @Test
  void aWriterStartedAfterACrashLoadsTheIndexFromTheTableAsRecovered() {
    List<Committable> prepared;
    try (Sink sink = open(upsert())) {
      SinkWriter writer = sink.createWriter(0);
      writer.write(new Row(1L, "a", 1));
      writer.write(new Row(2L, "b", 2));
      sink.committer().commit(1, Map.of(), writer.prepareCommit(1));
      writer.write(new Row(1L, "a2", 10));
      prepared = writer.prepareCommit(2); // persisted, then the process dies before committing
      writer.close();
    }

    try (Sink recovered = open(upsert())) {
      recovered.committer().commit(2, Map.of(), prepared); // recovery commits it first
      SinkWriter writer = recovered.createWriter(0);
      writer.write(new Row(1L, "a3", 20)); // its row of checkpoint 2, known from the table
      ((SupportsDelete) writer).delete(new Row(2L, null, null));
      recovered.committer().commit(3, Map.of(), writer.prepareCommit(3));
      writer.close();
    }

    assertThat(table()).isEqualTo(Map.of(1L, Arrays.asList(1L, "a3", 20)));
    Map<String, String> summary = TestTables.inspect(dir, t -> t.currentSnapshot().summary());
    assertThat(summary)
        .containsEntry("lakestream.checkpoint-id", "3")
        .containsEntry("added-position-deletes", "2")
        .doesNotContainKey("added-equality-deletes");
  }

  @Test
  void aRowWhoseFileMaintenanceRewroteMeanwhileIsDeletedByTheFallbackEqualityDeletes()
      throws Exception {
    try (Sink sink = open(upsert())) {
      SinkWriter writer = sink.createWriter(0);
      writer.write(new Row(1L, "a", 1));
      writer.write(new Row(2L, "b", 2));
      sink.committer().commit(1, Map.of(), writer.prepareCommit(1));
      writer.write(new Row(1L, "a2", 10)); // a position delete of a row in checkpoint 1's file
      List<Committable> second = writer.prepareCommit(2);
      rewriteAllDataFiles(); // maintenance commits first: that row now lives in another file
      CommitResult result = sink.committer().commit(2, Map.of(), second);
      writer.write(new Row(2L, "b2", 20)); // the index still points into the rewritten file
      sink.committer().commit(3, Map.of(), writer.prepareCommit(3));
      writer.close();

      assertThat(result.committed()).isTrue();
    }

    assertThat(table())
        .isEqualTo(Map.of(1L, Arrays.asList(1L, "a2", 10), 2L, Arrays.asList(2L, "b2", 20)));
  }

  /**
   * Rewrites every data file of the table into one, with the live rows, as maintenance's
   * rewrite-data-files does: at the current sequence number, validated from the current snapshot.
   */
  private void rewriteAllDataFiles() throws Exception {
    TestTables.inspect(
        dir,
        t -> {
          Snapshot from = t.currentSnapshot();
          List<org.apache.iceberg.DataFile> old = new ArrayList<>();
          try (var tasks = t.newScan().planFiles()) {
            tasks.forEach(task -> old.add(task.file()));
            var writers =
                new org.apache.iceberg.data.GenericFileWriterFactory.Builder(t)
                    .dataFileFormat(org.apache.iceberg.FileFormat.PARQUET)
                    .build();
            var dataWriter =
                new org.apache.iceberg.io.RollingDataWriter<Record>(
                    writers,
                    org.apache.iceberg.io.OutputFileFactory.builderFor(t, 99, 1).build(),
                    t.io(),
                    Long.MAX_VALUE,
                    t.spec(),
                    null);
            try (dataWriter) {
              for (Record r : TestTables.read(t)) {
                Record copy = org.apache.iceberg.data.GenericRecord.create(t.schema());
                t.schema().columns().forEach(c -> copy.setField(c.name(), r.getField(c.name())));
                dataWriter.write(copy);
              }
            }
            var rewrite =
                t.newRewrite()
                    .validateFromSnapshot(from.snapshotId())
                    .dataSequenceNumber(from.sequenceNumber());
            old.forEach(rewrite::deleteFile);
            dataWriter.result().dataFiles().forEach(rewrite::addFile);
            rewrite.commit();
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
          return null;
        });
  }

  @Test
  void changesOfAKeyWithinACheckpointLeaveOneRowThroughPositionDeletes() {
    try (Sink sink = open(upsert())) {
      SinkWriter writer = sink.createWriter(0);
      writer.write(new Row(1L, "first", 1));
      writer.write(new Row(1L, "second", 2));
      writer.write(new Row(1L, "third", 3));
      writer.write(new Row(2L, "gone", 4));
      ((SupportsDelete) writer).delete(new Row(2L, null, null));
      ((SupportsDelete) writer).delete(new Row(3L, null, null));
      sink.committer().commit(1, Map.of(), writer.prepareCommit(1));
      writer.close();
    }

    assertThat(table()).isEqualTo(Map.of(1L, Arrays.asList(1L, "third", 3)));
    Snapshot snapshot = TestTables.inspect(dir, t -> t.currentSnapshot());
    // one equality delete per key first seen (1, 2, 3), one position delete per replaced row
    assertThat(snapshot.summary())
        .containsEntry("added-records", "4")
        .containsEntry("added-position-deletes", "3")
        .containsEntry("added-equality-deletes", "3")
        .containsEntry("lakestream.checkpoint-id", "1");
  }

  @Test
  void aCheckpointWithDeletesIsOneRowDeltaWithTheCommitMetadata() {
    try (Sink sink = open(upsert())) {
      SinkWriter writer = sink.createWriter(0);
      writer.write(new Row(1L, "a", 1));
      sink.committer().commit(1, Map.of("users:0", 1L), writer.prepareCommit(1));
      ((SupportsDelete) writer).delete(new Row(1L, null, null));
      writer.write(new Row(2L, "b", 2));
      CommitResult result =
          sink.committer().commit(2, Map.of("users:0", 3L), writer.prepareCommit(2));
      writer.close();

      assertThat(result)
          .extracting(CommitResult::files, CommitResult::records)
          .containsExactly(1, 1L);
    }

    assertThat(table()).isEqualTo(Map.of(2L, Arrays.asList(2L, "b", 2)));
    Snapshot snapshot = TestTables.inspect(dir, t -> t.currentSnapshot());
    assertThat(snapshot.operation()).isEqualTo("overwrite");
    assertThat(snapshot.summary())
        .containsEntry("lakestream.pipeline-id", TestTables.PIPELINE)
        .containsEntry("lakestream.checkpoint-id", "2")
        .containsEntry("lakestream.source-positions", "users:0=3")
        .containsEntry("added-data-files", "1")
        // key 1, committed by checkpoint 1, by position; the new key 2 by equality
        .containsEntry("added-delete-files", "2")
        .containsEntry("added-position-deletes", "1")
        .containsEntry("added-equality-deletes", "1");
    assertThat(snapshotCount()).isEqualTo(2);
  }

  @Test
  void recommittingACheckpointIsANoOpAndACrashBeforeCommitYieldsTheSameTable() {
    List<List<Op>> checkpoints = operations(7, 3, 300);
    List<Committable> third;
    try (Sink sink = open(upsert("partition-by", List.of("bucket(3, user_id)")))) {
      List<SinkWriter> writers = writers(sink);
      for (int c = 0; c < 2; c++) {
        apply(writers, checkpoints.get(c));
        List<Committable> committables = prepare(writers, c + 1);
        CommitResult first =
            sink.committer().commit(c + 1, Map.of("users:0", c + 1L), committables);
        CommitResult again =
            sink.committer().commit(c + 1, Map.of("users:0", c + 1L), committables);

        assertThat(first.committed()).isTrue();
        assertThat(again).isEqualTo(new CommitResult(false, 0, 0, 0, first.snapshotId()));
      }
      assertThat(table()).isEqualTo(model(checkpoints.subList(0, 2)));

      // checkpoint 3 is prepared and persisted, then the process dies before committing it
      apply(writers, checkpoints.get(2));
      third = prepare(writers, 3);
      writers.forEach(SinkWriter::close);
    }
    assertThat(table()).isEqualTo(model(checkpoints.subList(0, 2)));

    try (Sink recovered = open(upsert("partition-by", List.of("bucket(3, user_id)")))) {
      assertThat(recovered.committer().lastCommitted())
          .contains(new CommittedCheckpoint(2, Map.of("users:0", 2L)));

      assertThat(recovered.committer().commit(3, Map.of("users:0", 3L), third).committed())
          .isTrue();
      assertThat(recovered.committer().commit(3, Map.of("users:0", 3L), third).committed())
          .isFalse();
    }

    assertThat(table()).isEqualTo(model(checkpoints));
    assertThat(snapshotCount()).isEqualTo(3);
  }

  @Test
  void aFencedUpsertInstanceCannotCommitItsDeletes() {
    try (Sink old = open(upsert());
        Sink owner = open(upsert())) {
      old.committer().fence();
      SinkWriter oldWriter = old.createWriter(0);
      oldWriter.write(new Row(1L, "a", 1));
      oldWriter.write(new Row(2L, "b", 2));
      old.committer().commit(1, Map.of("users:0", 2L), oldWriter.prepareCommit(1));

      owner.committer().fence();
      ((SupportsDelete) oldWriter).delete(new Row(1L, null, null));
      oldWriter.write(new Row(2L, "late", 9));
      List<Committable> late = oldWriter.prepareCommit(2);

      assertThatThrownBy(() -> old.committer().commit(2, Map.of("users:0", 4L), late))
          .isInstanceOf(FencedException.class)
          .hasMessage(
              "Pipeline orders-to-lake is owned by another instance: table analytics.orders holds"
                  + " fencing epoch 2, this instance holds 1. Stop this instance.");
      assertThat(table())
          .isEqualTo(Map.of(1L, Arrays.asList(1L, "a", 1), 2L, Arrays.asList(2L, "b", 2)));

      SinkWriter ownerWriter = owner.createWriter(0);
      ownerWriter.write(new Row(2L, "owner", 3));
      owner.committer().commit(2, Map.of("users:0", 3L), ownerWriter.prepareCommit(2));
      oldWriter.close();
      ownerWriter.close();
    }

    assertThat(table())
        .isEqualTo(Map.of(1L, Arrays.asList(1L, "a", 1), 2L, Arrays.asList(2L, "owner", 3)));
  }

  @Test
  void createsTheTableWithTheKeyAsRequiredIdentifierFields() {
    try (Sink sink = open(upsert("partition-by", List.of("bucket(8, user_id)")))) {
      assertThat(sink.createWriter(0)).isInstanceOf(SupportsDelete.class);
    }

    TestTables.inspect(
        dir,
        table -> {
          assertThat(table.schema().identifierFieldNames()).containsExactly("user_id");
          assertThat(table.schema().findField("user_id").isRequired()).isTrue();
          assertThat(table.schema().findField("name").isOptional()).isTrue();
          assertThat(IcebergTableInspector.specString(table.spec()))
              .isEqualTo("bucket(8, user_id)");
          return null;
        });
  }

  @Test
  void appendWritersCannotDelete() {
    try (Sink sink = open(Map.of());
        SinkWriter writer = sink.createWriter(0)) {
      assertThat(writer).isNotInstanceOf(SupportsDelete.class);
    }
  }

  @Test
  void aRowWithANullKeyIsRefusedAndTheWriterGoesOn() {
    try (Sink sink = open(upsert())) {
      SinkWriter writer = sink.createWriter(0);

      assertThatThrownBy(() -> writer.write(new Row(null, "x", 1)))
          .isInstanceOf(PipelineException.class)
          .hasMessage(
              "Cannot upsert a row into table analytics.orders: key column \"user_id\" is null;"
                  + " every row needs a value for each key column [user_id]");
      assertThatThrownBy(() -> ((SupportsDelete) writer).delete(new Row(null, null, null)))
          .isInstanceOf(PipelineException.class)
          .hasMessage(
              "Cannot delete a row from table analytics.orders: key column \"user_id\" is null;"
                  + " every row needs a value for each key column [user_id]");

      writer.write(new Row(5L, "ok", 5));
      sink.committer().commit(1, Map.of(), writer.prepareCommit(1));
      writer.close();
    }
    assertThat(table()).isEqualTo(Map.of(5L, Arrays.asList(5L, "ok", 5)));
  }

  @Test
  void refusesAKeyColumnThatIsNotInTheSchema() {
    assertThatThrownBy(() -> open(Map.of("mode", "upsert", "key", List.of("customer_id"))))
        .isInstanceOf(PipelineException.class)
        .hasMessage(
            "Key column \"customer_id\" of table analytics.orders is not in the pipeline's schema"
                + " (columns: user_id, name, score); fix sink.iceberg.key");
  }

  @Test
  void refusesPartitionColumnsOutsideTheKeyBeforeCreatingTheTable() {
    assertThatThrownBy(() -> open(upsert("partition-by", List.of("bucket(4, user_id)", "name"))))
        .isInstanceOf(PipelineException.class)
        .hasMessage(
            "Iceberg requires partition columns to be part of the key: table analytics.orders is"
                + " partitioned by column \"name\", which is not in the key [user_id]; add it to"
                + " sink.iceberg.key or partition by key columns only");
    assertThat(dir.resolve("warehouse/analytics/orders")).doesNotExist();
  }

  @Test
  void refusesAnExistingTableWithoutIdentifierFields() {
    open(Map.of()).close();

    assertThatThrownBy(() -> open(upsert()))
        .isInstanceOf(PipelineException.class)
        .hasMessage(
            "Table analytics.orders has no identifier fields, so it cannot be written in upsert"
                + " mode with key [user_id]; set its identifier fields to [user_id] or write to a"
                + " new table");
  }

  @Test
  void refusesAnExistingTableWithOtherIdentifierFields() {
    open(upsert()).close();

    assertThatThrownBy(() -> open(upsert("key", List.of("user_id", "name"))))
        .isInstanceOf(PipelineException.class)
        .hasMessage(
            "Table analytics.orders has identifier fields [user_id] but sink.iceberg.key is"
                + " [user_id, name]; they must be the same columns");
  }

  @Test
  void refusesAKeyColumnOfAFloatingPointType() {
    Schema schema =
        new Schema(
            List.of(
                Field.required("id", DataType.Primitive.DOUBLE),
                Field.optional("v", DataType.Primitive.INT)));

    assertThatThrownBy(
            () -> TestTables.open(dir, schema, Map.of("mode", "upsert", "key", List.of("id"))))
        .isInstanceOf(PipelineException.class)
        .hasMessage(
            "Key column \"id\" of table analytics.orders cannot be a key: Iceberg keys are columns"
                + " of a primitive type other than float and double");
  }
}
