package io.lakestream.core.error;

import io.lakestream.core.record.DataType.Primitive;
import io.lakestream.core.record.Field;
import io.lakestream.core.record.Row;
import io.lakestream.core.record.Schema;
import io.lakestream.core.source.SourceRecord;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.StringJoiner;

/**
 * The shape of a dead-letter table: a bad record's raw bytes, why it failed, and where it came
 * from, so that it can be inspected and replayed.
 *
 * <p>Two kinds of rows share it. A bad source record has its topic, partition, offset and raw
 * bytes. A row a table refused that no single source record names (a PostgreSQL change, a window's
 * result) has those null and says instead where it came from ({@code origin}), its source position
 * when it has one ({@code position}, a PostgreSQL LSN) and the refused row itself ({@code row}).
 */
public final class DeadLetter {

  /** The columns of every dead-letter table. */
  public static final Schema SCHEMA =
      new Schema(
          List.of(
              Field.required("pipeline", Primitive.STRING),
              Field.optional("topic", Primitive.STRING),
              Field.optional("partition", Primitive.INT),
              Field.optional("offset", Primitive.LONG),
              Field.optional("record_timestamp", Primitive.TIMESTAMP),
              Field.optional("key", Primitive.BINARY),
              Field.optional("value", Primitive.BINARY),
              Field.required("stage", Primitive.STRING),
              Field.required("error", Primitive.STRING),
              Field.required("failed_at", Primitive.TIMESTAMP),
              Field.optional("origin", Primitive.STRING),
              Field.optional("position", Primitive.LONG),
              Field.optional("row", Primitive.STRING)));

  private DeadLetter() {}

  /** A dead-letter row of a bad source record; timestamps are microseconds since the epoch. */
  public static Row row(
      String pipeline, SourceRecord bad, String stage, String error, long failedAtMicros) {
    return new Row(
        pipeline,
        bad.topic(),
        bad.partition(),
        bad.offset(),
        bad.timestampMillis() < 0 ? null : bad.timestampMillis() * 1000L,
        bad.key() == null ? null : ByteBuffer.wrap(bad.key()),
        bad.value() == null ? null : ByteBuffer.wrap(bad.value()),
        stage,
        error,
        failedAtMicros,
        null,
        null,
        null);
  }

  /**
   * A dead-letter row of a row a table refused that came from no single source record.
   *
   * @param origin where it came from, e.g. {@code slot s, table public.orders, LSN 0/16B3F60, key
   *     {id=3}} or {@code transforms[1].window [start, end) group [eu]}
   * @param position its source position, or null when it has none
   * @param refused the refused row, as text
   */
  public static Row refused(
      String pipeline,
      String origin,
      Long position,
      String refused,
      String stage,
      String error,
      long failedAtMicros) {
    return new Row(
        pipeline,
        null,
        null,
        null,
        null,
        null,
        null,
        stage,
        error,
        failedAtMicros,
        origin,
        position,
        refused);
  }

  /**
   * {@code columns} of {@code row} as text, {@code {name=value, ...}}: the {@code row} column of a
   * refused row, and the key in its origin.
   */
  public static String text(Schema schema, Row row, List<String> columns) {
    StringJoiner text = new StringJoiner(", ", "{", "}");
    for (String c : columns) {
      text.add(c + "=" + row.get(schema.position(c).getAsInt()));
    }
    return text.toString();
  }
}
