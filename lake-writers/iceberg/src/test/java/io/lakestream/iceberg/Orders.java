package io.lakestream.iceberg;

import io.lakestream.core.record.DataType;
import io.lakestream.core.record.Field;
import io.lakestream.core.record.Row;
import io.lakestream.core.record.Schema;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Test data: orders with 7 columns, generated from a seed, with the row the pipeline writes and the
 * values Iceberg's generic reader must return, both computed from the same source values.
 */
record Orders(
    long orderId,
    long userId,
    String item,
    BigDecimal amount,
    Integer quantity,
    Instant eventTime,
    Boolean paid) {

  static final Schema SCHEMA =
      new Schema(
          List.of(
              Field.required("order_id", DataType.Primitive.LONG),
              Field.required("user_id", DataType.Primitive.LONG),
              Field.optional("item", DataType.Primitive.STRING),
              Field.optional("amount", new DataType.Decimal(10, 2)),
              Field.optional("quantity", DataType.Primitive.INT),
              Field.required("event_time", DataType.Primitive.TIMESTAMP),
              Field.optional("paid", DataType.Primitive.BOOLEAN)));

  static final Instant START = Instant.parse("2024-03-01T00:00:00Z");

  /** {@code count} orders over three days starting at {@link #START}, from ids {@code firstId}. */
  static List<Orders> generate(long seed, long firstId, int count) {
    Random r = new Random(seed);
    List<Orders> orders = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      Instant t =
          START.plusSeconds(r.nextInt(3 * 24 * 3600)).plusNanos(r.nextInt(1_000_000) * 1000L);
      orders.add(
          new Orders(
              firstId + i,
              r.nextInt(10_000),
              r.nextInt(10) == 0 ? null : "item-" + r.nextInt(500),
              r.nextInt(10) == 0 ? null : BigDecimal.valueOf(r.nextInt(1_000_000), 2),
              r.nextInt(10) == 0 ? null : r.nextInt(100),
              t,
              r.nextInt(10) == 0 ? null : r.nextBoolean()));
    }
    return orders;
  }

  /** The row the pipeline writes: timestamps as micros since the epoch. */
  Row row() {
    return new Row(
        orderId,
        userId,
        item,
        amount,
        quantity,
        ChronoUnit.MICROS.between(Instant.EPOCH, eventTime),
        paid);
  }

  /** The values Iceberg's generic reader returns: timestamptz as an OffsetDateTime in UTC. */
  List<Object> expected() {
    return Arrays.asList(
        orderId,
        userId,
        item,
        amount,
        quantity,
        OffsetDateTime.ofInstant(eventTime, ZoneOffset.UTC),
        paid);
  }

  static List<Row> rows(List<Orders> orders) {
    return orders.stream().map(Orders::row).toList();
  }

  static List<Object> expected(List<Orders> orders) {
    return orders.stream().map(o -> (Object) o.expected()).toList();
  }
}
