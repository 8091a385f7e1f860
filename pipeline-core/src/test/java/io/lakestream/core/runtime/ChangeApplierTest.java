package io.lakestream.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.core.error.DeadLetter;
import io.lakestream.core.error.RecordException;
import io.lakestream.core.record.Change;
import io.lakestream.core.record.DataType;
import io.lakestream.core.record.Field;
import io.lakestream.core.record.Row;
import io.lakestream.core.record.Schema;
import io.lakestream.core.sink.Committable;
import io.lakestream.core.sink.SinkWriter;
import io.lakestream.core.sink.SupportsDelete;
import io.lakestream.core.source.ChangeSource;
import io.lakestream.core.source.SourceTable;
import io.lakestream.core.source.SplitReader;
import io.lakestream.core.source.TableChange;
import io.lakestream.core.spec.ErrorSpec;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link ChangeApplier} with a table that refuses rows whose ordering column is null, as a Hudi
 * table does: each policy applied to the refused change, named by its source coordinates.
 */
class ChangeApplierTest {
  private static final Schema ORDERS =
      new Schema(
          List.of(
              Field.required("id", DataType.Primitive.LONG),
              Field.optional("updated_at", DataType.Primitive.LONG)));
  private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(100), ZoneOffset.UTC);

  /** Keeps the rows it accepts; refuses a row whose updated_at is null. */
  private static final class RefusingTable implements SinkWriter, SupportsDelete {
    final List<Row> written = new ArrayList<>();

    @Override
    public void write(Row row) {
      if (row.get(1) == null) {
        throw new RecordException("its ordering field \"updated_at\" is null");
      }
      written.add(row);
    }

    @Override
    public void delete(Row row) {
      written.removeIf(r -> r.get(0).equals(row.get(0)));
    }

    @Override
    public List<String> keyColumns() {
      return List.of("id");
    }

    @Override
    public List<Committable> prepareCommit(long checkpointId) {
      return List.of();
    }

    @Override
    public void close() {}
  }

  private static final class Source implements ChangeSource {
    @Override
    public List<SourceTable> tables() {
      return List.of(new SourceTable("public.orders", ORDERS, List.of("id")));
    }

    @Override
    public String coordinates(String table, long position) {
      return "slot s, table " + table + ", after LSN " + position;
    }

    @Override
    public String describe() {
      return "test";
    }

    @Override
    public List<String> splits() {
      return List.of("s");
    }

    @Override
    public SplitReader<TableChange> reader(String taskName, boolean bounded) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void close() {}
  }

  private final RefusingTable table = new RefusingTable();
  private final List<Row> deadLettered = new ArrayList<>();
  private final PipelineMetrics metrics = new PipelineMetrics();

  private ChangeApplier applier(ErrorSpec.Policy policy) {
    CheckpointTransactions transactions = new CheckpointTransactions(Map.of());
    return new ChangeApplier(
        new Source(),
        Map.of("public.orders", new TableOutput("lake.orders", table, transactions, Map.of())),
        null,
        new BadRecords(
            "p",
            policy,
            (row, split, offset) -> deadLettered.add(row),
            metrics,
            CLOCK,
            System::nanoTime),
        metrics);
  }

  private static TableChange upsert(long id, Long updatedAt, long lsn) {
    return new TableChange.Apply(
        "public.orders", new Change(Change.Kind.UPSERT, new Row(id, updatedAt), lsn));
  }

  @Test
  void aChangeTheTableRefusesIsDeadLetteredWithItsSlotTableLsnAndKey() {
    ChangeApplier applier = applier(ErrorSpec.Policy.DEAD_LETTER);

    assertThat(applier.process(upsert(1, 10L, 100), 0)).isNull();
    assertThat(applier.process(upsert(2, null, 200), 0)).isNull();
    assertThat(applier.process(upsert(3, 30L, 300), 0)).isNull();

    assertThat(table.written).containsExactly(new Row(1L, 10L), new Row(3L, 30L));
    assertThat(deadLettered)
        .containsExactly(
            DeadLetter.refused(
                "p",
                "slot s, table public.orders, after LSN 200, key {id=2}",
                200L,
                "{id=2, updated_at=null}",
                "sink",
                "its ordering field \"updated_at\" is null",
                100_000_000L));
    assertThat(metrics.deadLettered.sum()).isEqualTo(1);
    assertThat(metrics.out.sum()).isEqualTo(2);
  }

  @Test
  void underSkipTheRefusedChangeIsCountedAndNotWritten() {
    ChangeApplier applier = applier(ErrorSpec.Policy.SKIP);

    assertThat(applier.process(upsert(2, null, 200), 0)).isNull();

    assertThat(table.written).isEmpty();
    assertThat(deadLettered).isEmpty();
    assertThat(metrics.skipped.sum()).isEqualTo(1);
  }

  @Test
  void underFailTheTaskStopsAtTheRefusedChangeNamingItsCoordinates() {
    ChangeApplier applier = applier(ErrorSpec.Policy.FAIL);

    RecordFailure failure = applier.process(upsert(2, null, 200), 0);

    assertThat(failure.message())
        .isEqualTo(
            "Bad record at slot s, table public.orders, after LSN 200, key {id=2} (sink): its"
                + " ordering field \"updated_at\" is null");
    assertThat(deadLettered).isEmpty();
  }
}
