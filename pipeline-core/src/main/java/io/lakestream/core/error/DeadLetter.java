package io.lakestream.core.error;

import io.lakestream.core.record.DataType.Primitive;
import io.lakestream.core.record.Field;
import io.lakestream.core.record.Row;
import io.lakestream.core.record.Schema;
import io.lakestream.core.source.SourceRecord;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The shape of a dead-letter table: a bad record's raw bytes, why it failed, and where it came
 * from, so that it can be inspected and replayed.
 */
public final class DeadLetter {

  /** The columns of every dead-letter table. */
  public static final Schema SCHEMA =
      new Schema(
          List.of(
              Field.required("pipeline", Primitive.STRING),
              Field.required("topic", Primitive.STRING),
              Field.required("partition", Primitive.INT),
              Field.required("offset", Primitive.LONG),
              Field.optional("record_timestamp", Primitive.TIMESTAMP),
              Field.optional("key", Primitive.BINARY),
              Field.optional("value", Primitive.BINARY),
              Field.required("stage", Primitive.STRING),
              Field.required("error", Primitive.STRING),
              Field.required("failed_at", Primitive.TIMESTAMP)));

  private DeadLetter() {}

  /** A dead-letter row; timestamps are microseconds since the epoch, absent ones null. */
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
        failedAtMicros);
  }
}
