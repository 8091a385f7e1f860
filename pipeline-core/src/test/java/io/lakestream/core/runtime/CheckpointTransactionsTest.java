package io.lakestream.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lakestream.core.record.Row;
import io.lakestream.core.sink.BeginsTransactions;
import io.lakestream.core.sink.Committable;
import io.lakestream.core.sink.JoinsTransactions;
import io.lakestream.core.sink.SinkCommitter;
import io.lakestream.core.sink.SinkWriter;
import io.lakestream.core.source.SourceRecord;
import io.lakestream.core.spec.ErrorSpec;
import io.lakestream.core.state.StateBackend;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The per-checkpoint transaction hook through the real coordinator and a real keyed task: the rows
 * before a barrier are written into the transaction begun before it, the rows after it into the one
 * begun for the next barrier, and each checkpoint commits exactly its transaction's files.
 */
class CheckpointTransactionsTest {
  @TempDir Path dir;

  /** A table whose committer begins numbered transactions and records what each commit holds. */
  private static final class TransactionalTable implements SinkCommitter, BeginsTransactions {
    final List<String> begun = new CopyOnWriteArrayList<>();
    final Map<Long, List<String>> committed = Collections.synchronizedMap(new LinkedHashMap<>());
    final FakeTable table = new FakeTable();

    @Override
    public byte[] begin() {
      String id = "tx-" + (begun.size() + 1);
      begun.add(id);
      return id.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void fence() {}

    @Override
    public Optional<CommittedCheckpoint> lastCommitted() {
      return table.lastCommitted();
    }

    @Override
    public CommitResult commit(
        long checkpointId, Map<String, Long> positions, List<Committable> committables) {
      committed.put(
          checkpointId,
          committables.stream().map(c -> new String(c.bytes(), StandardCharsets.UTF_8)).toList());
      return table.commit(checkpointId, positions, committables);
    }
  }

  /** A writer that files each row under the transaction it was written in. */
  private static final class JoiningWriter implements SinkWriter, JoinsTransactions {
    final Map<String, List<Long>> rowsByTransaction =
        Collections.synchronizedMap(new LinkedHashMap<>());
    private volatile String transaction;
    private boolean wrote;

    @Override
    public void join(byte[] handle) {
      transaction = new String(handle, StandardCharsets.UTF_8);
    }

    @Override
    public void write(Row row) {
      rowsByTransaction
          .computeIfAbsent(transaction, t -> new CopyOnWriteArrayList<>())
          .add((Long) row.get(0));
      wrote = true;
    }

    @Override
    public List<Committable> prepareCommit(long checkpointId) {
      List<Committable> files =
          wrote
              ? List.of(new Committable(1, transaction.getBytes(StandardCharsets.UTF_8)))
              : List.of();
      wrote = false;
      return files;
    }

    @Override
    public void close() {}
  }

  /** Passes every event on to the table. */
  private static final class PassThrough implements KeyedOperator {
    @Override
    public void process(Event event, long watermark, Emitter out) {
      out.emit(event.row(), event);
    }

    @Override
    public void advance(long watermark, Emitter out) {}

    @Override
    public void tick(long nowNanos, Emitter out) {}

    @Override
    public void flush(long watermark, Emitter out) {}

    @Override
    public void finish(long watermark, Emitter out) {}
  }

  @Test
  void rowsBeforeABarrierAreInItsTransactionAndRowsAfterItInTheNext() throws Exception {
    TransactionalTable table = new TransactionalTable();
    Map<String, SinkCommitter> committers = Map.of("out", table);
    CheckpointTransactions transactions = new CheckpointTransactions(committers);
    Clock clock = Clock.systemUTC();
    JoiningWriter writer = new JoiningWriter();
    Exchange exchange = new Exchange(1, 1, new KeyGroups(8));
    Exchange.Sender sender = exchange.sender(0);
    try (CheckpointStore store = new CheckpointStore(dir.resolve("cp"), "p");
        StateBackend backend = StateBackend.create(StateBackend.MEMORY, dir.resolve("state"))) {
      CheckpointCoordinator coordinator =
          new CheckpointCoordinator(
              "p",
              store,
              committers,
              positions -> {},
              (phase, id) -> {},
              clock,
              Duration.ofMinutes(1),
              new Backoff(clock, Duration.ofSeconds(5)),
              0,
              transactions);
      coordinator.recover();
      assertThat(table.begun).containsExactly("tx-1");

      PipelineMetrics metrics = new PipelineMetrics();
      KeyedOutput output =
          new KeyedOutput(
              List.of(),
              null,
              null,
              new TableOutput("out", writer, transactions, Map.of()),
              null,
              null,
              null,
              new BadRecords("p", ErrorSpec.Policy.FAIL, null, metrics, clock, System::nanoTime),
              metrics);
      KeyedTask task =
          new KeyedTask(
              1,
              "keyed-0",
              exchange,
              0,
              new PassThrough(),
              backend.open("keyed-0", null),
              output,
              true,
              clock,
              System::nanoTime);
      Thread thread = task.start();
      try {
        for (long checkpoint = 1; checkpoint <= 2; checkpoint++) {
          long first = checkpoint * 1000;
          send(sender, LongStream.range(first, first + 100));
          long id = checkpoint;
          CompletableFuture<CheckpointCoordinator.Outcome> taken =
              CompletableFuture.supplyAsync(
                  () -> {
                    try {
                      return coordinator.checkpoint(id, List.of(task.task()), () -> false);
                    } catch (Exception e) {
                      throw new IllegalStateException(e);
                    }
                  });
          int begunBefore = (int) checkpoint + 1;
          await().atMost(Duration.ofSeconds(20)).until(() -> table.begun.size() == begunBefore);
          sender.broadcast(new Signal.Barrier(checkpoint));
          send(sender, LongStream.range(first + 500, first + 550)); // after the barrier
          assertThat(taken.get().committed()).isTrue();
        }
        await()
            .atMost(Duration.ofSeconds(20))
            .until(() -> writer.rowsByTransaction.getOrDefault("tx-3", List.of()).size() == 50);
      } finally {
        task.stop();
        thread.join(20_000);
      }
    }

    assertThat(table.begun).containsExactly("tx-1", "tx-2", "tx-3");
    assertThat(table.committed)
        .containsExactly(Map.entry(1L, List.of("tx-1")), Map.entry(2L, List.of("tx-2")));
    assertThat(writer.rowsByTransaction.get("tx-1")).containsExactlyElementsOf(ids(1000, 1100));
    List<Long> second = new ArrayList<>(ids(1500, 1550)); // after barrier 1
    second.addAll(ids(2000, 2100)); // before barrier 2
    assertThat(writer.rowsByTransaction.get("tx-2")).containsExactlyElementsOf(second);
    assertThat(writer.rowsByTransaction.get("tx-3")).containsExactlyElementsOf(ids(2500, 2550));
  }

  private static void send(Exchange.Sender sender, LongStream ids) {
    ids.forEach(
        id ->
            sender.send(
                new Event(new Row(id), id, new SourceRecord("t", 0, id, -1, null, null)), 0));
    sender.flush();
  }

  private static List<Long> ids(long from, long to) {
    return LongStream.range(from, to).boxed().toList();
  }
}
