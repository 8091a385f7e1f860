package io.lakestream.core.runtime;

import io.lakestream.core.record.DataType.Primitive;
import io.lakestream.core.record.Field;
import io.lakestream.core.record.Row;
import io.lakestream.core.record.Schema;
import java.util.ArrayList;
import java.util.List;

/**
 * The late-records table: every column of a record that came too late for its window, then why, the
 * watermark it met, and where it came from.
 */
final class LateRecords {
  private LateRecords() {}

  /** The late-records table's schema for records of {@code input}. */
  static Schema schema(Schema input) {
    List<Field> fields = new ArrayList<>(input.fields());
    fields.add(Field.required("late_reason", Primitive.STRING));
    fields.add(Field.required("late_watermark", Primitive.TIMESTAMP));
    fields.add(Field.required("source_topic", Primitive.STRING));
    fields.add(Field.required("source_partition", Primitive.INT));
    fields.add(Field.required("source_offset", Primitive.LONG));
    return new Schema(fields);
  }

  static Row row(Event event, String reason, long watermark) {
    Row in = event.row();
    Row row = new Row(in.size() + 5);
    for (int i = 0; i < in.size(); i++) {
      row.set(i, in.get(i));
    }
    row.set(in.size(), reason);
    row.set(in.size() + 1, watermark);
    row.set(in.size() + 2, event.origin().topic());
    row.set(in.size() + 3, event.origin().partition());
    row.set(in.size() + 4, event.origin().offset());
    return row;
  }
}
