package io.lakestream.iceberg;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.core.record.DataType;
import io.lakestream.core.record.Field;
import io.lakestream.core.record.Row;
import io.lakestream.core.record.Schema;
import io.lakestream.core.sink.Committable;
import io.lakestream.core.sink.Sink;
import io.lakestream.core.sink.SinkCommitter.CommitResult;
import io.lakestream.core.sink.SinkContext;
import io.lakestream.core.sink.SinkWriter;
import io.lakestream.core.spec.WriterId;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.relocated.com.google.common.hash.Hashing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IcebergSinkWriteTest {
  @TempDir Path dir;

  @Test
  void unpartitionedRowsReadBackAsWritten() {
    List<Orders> orders = Orders.generate(1, 0, 2_000);

    try (Sink sink = TestTables.open(dir, Orders.SCHEMA, Map.of())) {
      List<Committable> committables = TestTables.write(sink, 0, Orders.rows(orders), 1);
      CommitResult result = sink.committer().commit(1, Map.of("orders:0", 2_000L), committables);

      assertThat(committables).hasSize(1);
      assertThat(committables.get(0).records()).isEqualTo(2_000);
      assertThat(result.committed()).isTrue();
      assertThat(result.records()).isEqualTo(2_000);
      assertThat(result.files()).isEqualTo(1);
    }

    assertThat(TestTables.read(dir))
        .extracting(TestTables::plain)
        .containsExactlyInAnyOrderElementsOf(Orders.expected(orders));
  }

  @Test
  void createsAFormatVersion2TableWithTimestamptzAndRequiredColumns() {
    try (Sink sink = TestTables.open(dir, Orders.SCHEMA, Map.of())) {
      assertThat(sink.table()).isEqualTo("analytics.orders");
    }

    TestTables.inspect(
        dir,
        table -> {
          assertThat(org.apache.iceberg.TableUtil.formatVersion(table)).isEqualTo(2);
          assertThat(table.schema().findField("event_time").type().toString())
              .isEqualTo("timestamptz");
          assertThat(table.schema().findField("order_id").isRequired()).isTrue();
          assertThat(table.schema().findField("item").isOptional()).isTrue();
          assertThat(table.spec().isUnpartitioned()).isTrue();
          return null;
        });
  }

  @Test
  void partitionedRowsLandInTheFileOfTheirDayAndBucket() throws Exception {
    List<Orders> orders = Orders.generate(2, 0, 3_000);

    try (Sink sink =
        TestTables.open(
            dir,
            Orders.SCHEMA,
            Map.of("partition-by", List.of("day(event_time)", "bucket(16, user_id)")))) {
      List<Committable> committables = TestTables.write(sink, 3, Orders.rows(orders), 1);
      sink.committer().commit(1, Map.of(), committables);
      assertThat(committables).hasSize(1);
    }

    Set<List<Integer>> expectedPartitions = new HashSet<>();
    for (Orders o : orders) {
      expectedPartitions.add(List.of(epochDay(o.eventTime()), bucket16(o.userId())));
    }
    List<List<Integer>> filePartitions = new ArrayList<>();
    TestTables.inspect(
        dir,
        table -> {
          assertThat(IcebergTableInspector.specString(table.spec()))
              .isEqualTo("day(event_time), bucket(16, user_id)");
          try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
            for (FileScanTask task : tasks) {
              StructLike p = task.file().partition();
              List<Integer> partition = List.of(p.get(0, Integer.class), p.get(1, Integer.class));
              filePartitions.add(partition);
              for (Record r : readFile(table, task)) {
                OffsetDateTime t = (OffsetDateTime) r.getField("event_time");
                assertThat(List.of(epochDay(t.toInstant()), bucket16((Long) r.getField("user_id"))))
                    .isEqualTo(partition);
              }
            }
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
          return null;
        });
    assertThat(filePartitions).doesNotHaveDuplicates();
    assertThat(new HashSet<>(filePartitions)).isEqualTo(expectedPartitions);
    assertThat(TestTables.read(dir))
        .extracting(TestTables::plain)
        .containsExactlyInAnyOrderElementsOf(Orders.expected(orders));
  }

  @Test
  void manyInterleavedPartitionsKeepEveryRowInItsOwnFile() {
    // more partitions and rows than the writer buffers, arriving interleaved
    List<Orders> orders = Orders.generate(9, 0, 40_000);

    try (Sink sink =
        TestTables.open(
            dir, Orders.SCHEMA, Map.of("partition-by", List.of("hour(event_time)", "paid")))) {
      sink.committer().commit(1, Map.of(), TestTables.write(sink, 0, Orders.rows(orders), 1));
    }

    Map<List<Object>, Long> rowsPerFilePartition = new java.util.HashMap<>();
    TestTables.inspect(
        dir,
        table -> {
          try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
            for (FileScanTask task : tasks) {
              StructLike p = task.file().partition();
              List<Object> partition =
                  Arrays.asList(p.get(0, Integer.class), p.get(1, Boolean.class));
              for (Record r : readFile(table, task)) {
                OffsetDateTime t = (OffsetDateTime) r.getField("event_time");
                assertThat(
                        Arrays.asList(
                            (int) ChronoUnit.HOURS.between(Instant.EPOCH, t.toInstant()),
                            r.getField("paid")))
                    .isEqualTo(partition);
              }
              rowsPerFilePartition.merge(partition, task.file().recordCount(), Long::sum);
            }
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
          return null;
        });
    Map<List<Object>, Long> expected = new java.util.HashMap<>();
    for (Orders o : orders) {
      expected.merge(
          Arrays.asList((int) ChronoUnit.HOURS.between(Instant.EPOCH, o.eventTime()), o.paid()),
          1L,
          Long::sum);
    }
    assertThat(rowsPerFilePartition).isEqualTo(expected);
    assertThat(expected.size()).isGreaterThan(200);
  }

  private static List<Record> readFile(Table table, FileScanTask task) {
    List<Record> records = new ArrayList<>();
    try (CloseableIterable<Record> it =
        Parquet.read(table.io().newInputFile(task.file().location()))
            .project(table.schema())
            .createReaderFunc(s -> GenericParquetReaders.buildReader(table.schema(), s))
            .build()) {
      it.forEach(records::add);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return records;
  }

  private static int epochDay(Instant t) {
    return (int) LocalDate.ofInstant(t, ZoneOffset.UTC).toEpochDay();
  }

  /** Iceberg's bucket transform as the spec defines it: murmur3 of the long, mod 16. */
  private static int bucket16(long value) {
    return (Hashing.murmur3_32_fixed().hashLong(value).asInt() & Integer.MAX_VALUE) % 16;
  }

  @Test
  void nestedStructsListsDecimalsTimestampsAndBinaryRoundTrip() {
    Schema address =
        new Schema(
            List.of(
                Field.required("city", DataType.Primitive.STRING),
                Field.optional("zip", DataType.Primitive.INT)));
    Schema line =
        new Schema(
            List.of(
                Field.required("sku", DataType.Primitive.STRING),
                Field.required("qty", DataType.Primitive.INT),
                Field.optional("price", new DataType.Decimal(12, 3))));
    Schema schema =
        new Schema(
            List.of(
                Field.required("id", DataType.Primitive.LONG),
                Field.optional("address", new DataType.Struct(address)),
                Field.optional("tags", new DataType.ListOf(DataType.Primitive.STRING, true)),
                Field.optional("lines", new DataType.ListOf(new DataType.Struct(line), false)),
                Field.optional("total", new DataType.Decimal(38, 10)),
                Field.optional("at", DataType.Primitive.TIMESTAMP),
                Field.optional("born", DataType.Primitive.DATE),
                Field.optional("payload", DataType.Primitive.BINARY),
                Field.optional("ratio", DataType.Primitive.FLOAT),
                Field.optional("score", DataType.Primitive.DOUBLE)));
    Instant at = Instant.parse("1999-12-31T23:59:59.123456Z");
    LocalDate born = LocalDate.of(1970, 1, 1).minusDays(3);
    BigDecimal total = new BigDecimal("1234567890123456789012345678.0123456789");

    List<Row> rows =
        List.of(
            new Row(
                1L,
                new Row("Lisbon", 1100),
                List.of("a", "b"),
                Arrays.asList(
                    new Row("x-1", 2, new BigDecimal("9.990")), null, new Row("x-2", 1, null)),
                total,
                ChronoUnit.MICROS.between(Instant.EPOCH, at),
                (int) born.toEpochDay(),
                ByteBuffer.wrap(new byte[] {0, 1, 2, (byte) 255}),
                1.5f,
                -0.25),
            new Row(
                2L,
                new Row("Porto", null),
                List.of(),
                List.of(),
                null,
                null,
                null,
                null,
                null,
                null),
            new Row(
                3L, null, null, null, BigDecimal.ZERO.setScale(10), null, null, null, null, null));

    List<Object> expected =
        List.of(
            Arrays.asList(
                1L,
                Arrays.asList("Lisbon", 1100),
                List.of("a", "b"),
                Arrays.asList(
                    Arrays.asList("x-1", 2, new BigDecimal("9.990")),
                    null,
                    Arrays.asList("x-2", 1, null)),
                total,
                OffsetDateTime.ofInstant(at, ZoneOffset.UTC),
                born,
                ByteBuffer.wrap(new byte[] {0, 1, 2, (byte) 255}),
                1.5f,
                -0.25),
            Arrays.asList(
                2L,
                Arrays.asList("Porto", null),
                List.of(),
                List.of(),
                null,
                null,
                null,
                null,
                null,
                null),
            Arrays.asList(
                3L, null, null, null, BigDecimal.ZERO.setScale(10), null, null, null, null, null));

    try (Sink sink = TestTables.open(dir, schema, Map.of())) {
      sink.committer().commit(1, Map.of(), TestTables.write(sink, 0, rows, 1));
    }

    assertThat(TestTables.read(dir))
        .extracting(TestTables::plain)
        .containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void rollsToANewFileAtTheTargetSize() {
    List<Orders> orders = Orders.generate(3, 0, 20_000);

    try (Sink sink = TestTables.open(dir, Orders.SCHEMA, Map.of("target-file-size", "32KB"))) {
      CommitResult result =
          sink.committer().commit(1, Map.of(), TestTables.write(sink, 0, Orders.rows(orders), 1));

      assertThat(result.files()).isGreaterThan(2);
    }

    assertThat(TestTables.read(dir)).hasSize(20_000);
    String targetSize =
        TestTables.inspect(
            dir, t -> t.properties().get(TableProperties.WRITE_TARGET_FILE_SIZE_BYTES));
    assertThat(targetSize).isEqualTo("32768");
  }

  @Test
  void committablesOfSeveralWritersCommitAsOneSnapshot() {
    List<Orders> first = Orders.generate(4, 0, 500);
    List<Orders> second = Orders.generate(5, 500, 700);

    try (Sink sink = TestTables.open(dir, Orders.SCHEMA, Map.of())) {
      List<Committable> all = new ArrayList<>(TestTables.write(sink, 0, Orders.rows(first), 1));
      all.addAll(TestTables.write(sink, 1, Orders.rows(second), 1));
      CommitResult result =
          sink.committer().commit(1, Map.of("orders:0", 500L, "orders:1", 700L), all);

      assertThat(all).hasSize(2);
      assertThat(result.files()).isEqualTo(2);
      assertThat(result.records()).isEqualTo(1_200);
    }

    List<Object> expected = new ArrayList<>(Orders.expected(first));
    expected.addAll(Orders.expected(second));
    assertThat(TestTables.read(dir))
        .extracting(TestTables::plain)
        .containsExactlyInAnyOrderElementsOf(expected);
    Map<String, String> summary =
        TestTables.inspect(dir, t -> t.snapshots().iterator().next().summary());
    int snapshots = TestTables.inspect(dir, t -> count(t.snapshots()));
    assertThat(summary)
        .containsEntry("lakestream.checkpoint-id", "1")
        .containsEntry("lakestream.source-positions", "orders:0=500,orders:1=700");
    assertThat(snapshots).isEqualTo(1);
  }

  @Test
  void eachPrepareCommitReturnsOnlyTheFilesSinceThePreviousOne() {
    List<Orders> first = Orders.generate(6, 0, 300);
    List<Orders> second = Orders.generate(7, 300, 400);

    try (Sink sink = TestTables.open(dir, Orders.SCHEMA, Map.of());
        SinkWriter writer = sink.createWriter(0)) {
      Orders.rows(first).forEach(writer::write);
      List<Committable> one = writer.prepareCommit(1);
      List<Committable> none = writer.prepareCommit(2);
      Orders.rows(second).forEach(writer::write);
      List<Committable> three = writer.prepareCommit(3);

      assertThat(none).isEmpty();
      assertThat(one).singleElement().extracting(Committable::records).isEqualTo(300L);
      assertThat(three).singleElement().extracting(Committable::records).isEqualTo(400L);
      sink.committer().commit(1, Map.of(), one);
      sink.committer().commit(2, Map.of(), none);
      sink.committer().commit(3, Map.of(), three);
    }

    List<Object> expected = new ArrayList<>(Orders.expected(first));
    expected.addAll(Orders.expected(second));
    assertThat(TestTables.read(dir))
        .extracting(TestTables::plain)
        .containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void deadLetterTableIsPartitionedByDayOfFailure() {
    SinkContext context =
        new SinkContext(
            WriterId.of(TestTables.PIPELINE),
            TestTables.config(dir, Map.of("partition-by", List.of("bucket(4, topic)"))),
            TestTables.TABLE,
            io.lakestream.core.error.DeadLetter.SCHEMA,
            SinkContext.Role.DEAD_LETTER);
    Instant failedAt = Instant.parse("2024-05-06T07:08:09Z");
    Row row =
        io.lakestream.core.error.DeadLetter.row(
            TestTables.PIPELINE,
            new io.lakestream.core.source.SourceRecord(
                "orders", 2, 41, 1_700_000_000_000L, null, new byte[] {'{'}),
            "decode",
            "Unexpected end of input",
            ChronoUnit.MICROS.between(Instant.EPOCH, failedAt));

    try (Sink sink = new IcebergSinkFactory().open(context)) {
      sink.committer().commit(1, Map.of(), TestTables.write(sink, 0, List.of(row), 1));
    }

    String spec = TestTables.inspect(dir, t -> IcebergTableInspector.specString(t.spec()));
    assertThat(spec).isEqualTo("day(failed_at)");
    assertThat(TestTables.read(dir))
        .extracting(TestTables::plain)
        .containsExactly(
            Arrays.asList(
                TestTables.PIPELINE,
                "orders",
                2,
                41L,
                OffsetDateTime.ofInstant(Instant.ofEpochMilli(1_700_000_000_000L), ZoneOffset.UTC),
                null,
                ByteBuffer.wrap(new byte[] {'{'}),
                "decode",
                "Unexpected end of input",
                OffsetDateTime.ofInstant(failedAt, ZoneOffset.UTC),
                null,
                null,
                null));
  }

  @Test
  void aDeadLetterTableOfTheFormerShapeGetsTheColumnsOfRefusedRows() {
    List<io.lakestream.core.record.Field> former = new ArrayList<>();
    for (io.lakestream.core.record.Field f :
        io.lakestream.core.error.DeadLetter.SCHEMA.fields().subList(0, 10)) {
      boolean wasRequired = List.of("topic", "partition", "offset").contains(f.name());
      former.add(wasRequired ? io.lakestream.core.record.Field.required(f.name(), f.type()) : f);
    }
    SinkContext formerContext =
        new SinkContext(
            WriterId.of(TestTables.PIPELINE),
            TestTables.config(dir, Map.of()),
            TestTables.TABLE,
            new io.lakestream.core.record.Schema(former),
            SinkContext.Role.DEAD_LETTER);
    new IcebergSinkFactory().open(formerContext).close(); // creates the table as it was
    SinkContext context =
        new SinkContext(
            WriterId.of(TestTables.PIPELINE),
            TestTables.config(dir, Map.of()),
            TestTables.TABLE,
            io.lakestream.core.error.DeadLetter.SCHEMA,
            SinkContext.Role.DEAD_LETTER);
    Instant failedAt = Instant.parse("2024-05-06T07:08:09Z");
    Row row =
        io.lakestream.core.error.DeadLetter.refused(
            TestTables.PIPELINE,
            "slot s, table public.orders, after LSN 0/10, key {id=2}",
            16L,
            "{id=2, updated_at=null}",
            "sink",
            "its ordering field is null",
            ChronoUnit.MICROS.between(Instant.EPOCH, failedAt));

    try (Sink sink = new IcebergSinkFactory().open(context)) {
      sink.committer().commit(1, Map.of(), TestTables.write(sink, 0, List.of(row), 1));
    }

    assertThat(TestTables.read(dir))
        .extracting(TestTables::plain)
        .containsExactly(
            Arrays.asList(
                TestTables.PIPELINE,
                null,
                null,
                null,
                null,
                null,
                null,
                "sink",
                "its ordering field is null",
                OffsetDateTime.ofInstant(failedAt, ZoneOffset.UTC),
                "slot s, table public.orders, after LSN 0/10, key {id=2}",
                16L,
                "{id=2, updated_at=null}"));
  }

  @Test
  void appliesConfiguredTablePropertiesAtCreation() {
    try (Sink sink =
        TestTables.open(
            dir,
            Orders.SCHEMA,
            Map.of(
                "properties",
                Map.of("write.parquet.compression-codec", "snappy", "owner", "data-eng")))) {
      sink.committer()
          .commit(
              1, Map.of(), TestTables.write(sink, 0, Orders.rows(Orders.generate(8, 0, 10)), 1));
    }

    assertThat(TestTables.inspect(dir, Table::properties))
        .containsEntry("write.parquet.compression-codec", "snappy")
        .containsEntry("owner", "data-eng");
    assertThat(TestTables.read(dir)).hasSize(10);
  }

  private static int count(Iterable<?> items) {
    int n = 0;
    for (Object ignored : items) {
      n++;
    }
    return n;
  }
}
