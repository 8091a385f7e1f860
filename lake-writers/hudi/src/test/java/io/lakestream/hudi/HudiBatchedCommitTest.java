package io.lakestream.hudi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.core.error.CommitStateUnknownException;
import io.lakestream.core.record.Row;
import io.lakestream.core.sink.Committable;
import io.lakestream.core.sink.SinkCommitter;
import io.lakestream.core.sink.SinkContext;
import io.lakestream.core.sink.SinkWriter;
import io.lakestream.core.spec.WriterId;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Insert checkpoints larger than one Hudi write call ({@link HudiCommitter#BATCH_ROWS}, here 1,000
 * rows): still one instant per checkpoint, every row once, read back with Hudi's own reader, and a
 * commit that fails between its write calls is rolled back and written again on recovery.
 */
class HudiBatchedCommitTest {
  private static final int BATCH = 1_000;

  @TempDir Path dir;

  /** An insert table keyed by order_id, so its rows can be read back by key. */
  private HudiSink open(String type) {
    Map<String, Object> config = new HashMap<>();
    config.put("path", dir.resolve("orders").toString());
    config.put("table", "shop.orders");
    config.put("type", type);
    config.put("operation", "insert");
    config.put("record-key", List.of("order_id"));
    HudiSink opened =
        (HudiSink)
            new HudiSinkFactory()
                .open(
                    new SinkContext(
                        WriterId.of("p1"),
                        config,
                        "shop.orders",
                        HudiCommitterTest.ORDERS,
                        SinkContext.Role.OUTPUT));
    HudiTable table = opened.hudiTable();
    try {
      return new HudiSink(
          table,
          table.fileSystem(),
          "shop.orders",
          HudiCommitterTest.ORDERS,
          WriterId.of("p1"),
          TableSync.NONE,
          BATCH);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Stages ids [from, to) over two tasks, the reference recording each id's amount. */
  private static List<Committable> stage(
      List<SinkWriter> writers, long checkpoint, long from, long to, Map<Long, Long> reference) {
    for (long id = from; id < to; id++) {
      long amount = checkpoint * 1_000_000 + id;
      writers.get((int) (id % writers.size())).write(new Row(id, amount, id, "r" + (id % 3)));
      reference.put(id, amount);
    }
    List<Committable> committables = new ArrayList<>();
    for (SinkWriter w : writers) {
      committables.addAll(w.prepareCommit(checkpoint));
    }
    return committables;
  }

  private Map<Long, Long> table() {
    Map<Long, Long> rows = new TreeMap<>();
    for (Map<String, Object> row :
        HudiSnapshotReader.read(dir.resolve("orders").toUri().toString())) {
      Long previous = rows.put((Long) row.get("order_id"), (Long) row.get("amount"));
      assertThat(previous).as("key %s appears twice", row.get("order_id")).isNull();
    }
    return rows;
  }

  private HudiTableInspection inspection() {
    return new HudiTableInspection(dir.resolve("orders").toUri().toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"copy-on-write", "merge-on-read"})
  void aCheckpointLargerThanABatchIsOneInstantHoldingEveryRowOnce(String type) {
    Map<Long, Long> reference = new TreeMap<>();
    try (HudiSink sink = open(type)) {
      List<SinkWriter> writers = List.of(sink.createWriter(0), sink.createWriter(1));
      SinkCommitter committer = sink.committer();
      committer.fence();
      // a small first checkpoint leaves small files a single-call commit would add rows to
      committer.commit(1, Map.of("orders:0", 10L), stage(writers, 1, 0, 10, reference));

      SinkCommitter.CommitResult big =
          committer.commit(2, Map.of("orders:0", 3_510L), stage(writers, 2, 10, 3_510, reference));
      // and one that fits in a batch again, next to the batched checkpoint's files
      committer.commit(3, Map.of("orders:0", 3_600L), stage(writers, 3, 3_510, 3_600, reference));
      committer.close();

      assertThat(big.committed()).isTrue();
      assertThat(big.records()).isEqualTo(3_500);
      // four write calls of 875 rows, each in file groups of its own
      assertThat(big.files()).isGreaterThanOrEqualTo(4);
    }

    assertThat(table()).isEqualTo(reference).hasSize(3_600);
    assertThat(inspection().checkpoints()).containsExactly(1L, 2L, 3L);
    assertThat(inspection().pending()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"copy-on-write", "merge-on-read"})
  void aCommitThatFailsBetweenItsWriteCallsIsRolledBackAndWrittenOnceOnRecovery(String type)
      throws Exception {
    Map<Long, Long> reference = new TreeMap<>();
    List<Committable> persisted;
    Path second;
    Path aside = dir.resolve("aside.avro");
    try (HudiSink crashed = open(type)) {
      List<SinkWriter> writers = List.of(crashed.createWriter(0), crashed.createWriter(1));
      SinkCommitter committer = crashed.committer();
      committer.fence();
      committer.commit(1, Map.of("orders:0", 10L), stage(writers, 1, 0, 10, reference));
      persisted = stage(writers, 2, 10, 4_010, reference);
      // the second task's staged file is cut short: the first task's 2,000 rows are written in
      // two calls, then reading the second file fails and the commit stops, its instant pending
      second =
          Path.of(
              java.net.URI.create(
                  CommittableSerializer.deserialize(persisted.get(1).bytes()).path()));
      Files.copy(second, aside);
      try (FileChannel file = FileChannel.open(second, StandardOpenOption.WRITE)) {
        file.truncate(file.size() / 2);
      }

      assertThatThrownBy(() -> committer.commit(2, Map.of("orders:0", 4_010L), persisted))
          .isInstanceOf(CommitStateUnknownException.class)
          .hasMessageContaining("the table does not record it");
      committer.close();
    }
    assertThat(inspection().pending()).hasSize(1);
    assertThat(inspection().checkpoints()).containsExactly(1L);

    // the staged file is whole again when the next instance starts
    Files.copy(aside, second, StandardCopyOption.REPLACE_EXISTING);
    try (HudiSink recovered = open(type)) {
      SinkCommitter committer = recovered.committer();
      committer.fence();
      assertThat(committer.lastCommitted().map(SinkCommitter.CommittedCheckpoint::checkpointId))
          .contains(1L);

      assertThat(committer.commit(2, Map.of("orders:0", 4_010L), persisted).records())
          .isEqualTo(4_000);
      committer.close();
    }

    assertThat(table()).isEqualTo(reference).hasSize(4_010);
    assertThat(inspection().checkpoints()).containsExactly(1L, 2L);
    assertThat(inspection().pending()).isEmpty();
  }
}
