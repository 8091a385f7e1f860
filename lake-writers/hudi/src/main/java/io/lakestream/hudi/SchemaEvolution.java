package io.lakestream.hudi;

import io.lakestream.core.error.PipelineException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * How a Hudi table's schema follows its rows when a change source gains columns: new columns are
 * appended (optional, so older rows read them as null) and types widen as Hudi's schema-on-write
 * evolution allows (int to long, float to double, a decimal with more digits before the point). A
 * writer checks each new shape of its rows ({@link #requireWidening}); the committer writes each
 * checkpoint with the table's schema merged with the shapes its staged rows have ({@link #merge}),
 * so the instant that holds the first rows with a new column also changes the table's schema, and a
 * column is never dropped by rows that lack it.
 */
final class SchemaEvolution {
  private SchemaEvolution() {}

  /**
   * Checks that rows of {@code next} may follow rows of {@code current} into one table: the same
   * columns in the same positions, each of the same or a wider type, then new columns.
   *
   * @throws PipelineException naming the column otherwise
   */
  static void requireWidening(Schema current, Schema next, String table) {
    List<Schema.Field> was = current.getFields();
    List<Schema.Field> now = next.getFields();
    if (now.size() < was.size()) {
      throw incompatible(table, "it has fewer columns than before");
    }
    for (int i = 0; i < was.size(); i++) {
      Schema.Field old = was.get(i);
      Schema.Field changed = now.get(i);
      if (!old.name().equals(changed.name())) {
        throw incompatible(
            table,
            "column " + (i + 1) + " is now \"" + changed.name() + "\", was \"" + old.name() + "\"");
      }
      Schema wider = wider(old.schema(), changed.schema());
      if (wider == null || !sameType(wider, changed.schema())) {
        throw narrowed(table, old, changed);
      }
    }
  }

  /**
   * The schema that holds rows of both {@code table} and {@code rows}: the table's columns in their
   * order, each with the wider of the two types, then the columns only {@code rows} has.
   *
   * @throws PipelineException if a column's types cannot be widened into one
   */
  static Schema merge(Schema table, Schema rows, String tableName) {
    List<Schema.Field> fields = new ArrayList<>();
    boolean changed = false;
    for (Schema.Field f : table.getFields()) {
      Schema.Field other = rows.getField(f.name());
      Schema type = f.schema();
      if (other != null) {
        type = wider(f.schema(), other.schema());
        if (type == null) {
          throw narrowed(tableName, f, other);
        }
        changed |= !sameType(type, f.schema());
      }
      fields.add(new Schema.Field(f, type));
    }
    for (Schema.Field f : rows.getFields()) {
      if (table.getField(f.name()) == null) {
        fields.add(new Schema.Field(f, optional(f.schema())));
        changed = true;
      }
    }
    if (!changed) {
      return table;
    }
    return Schema.createRecord(
        table.getName(), table.getDoc(), table.getNamespace(), false, fields);
  }

  /**
   * {@code row} as a record of {@code schema}, which {@link #merge} made to hold it: columns it
   * lacks are null, narrower values are widened.
   */
  static GenericRecord conform(GenericRecord row, Schema schema) {
    if (row.getSchema() == schema) {
      return row;
    }
    GenericData.Record out = new GenericData.Record(schema);
    for (Schema.Field f : schema.getFields()) {
      Schema.Field source = row.getSchema().getField(f.name());
      if (source != null) {
        out.put(f.pos(), widen(row.get(source.pos()), AvroRows.nonNull(f.schema())));
      }
    }
    return out;
  }

  private static Object widen(Object value, Schema type) {
    if (value instanceof Integer i && type.getType() == Schema.Type.LONG) {
      return i.longValue();
    }
    if (value instanceof Float f && type.getType() == Schema.Type.DOUBLE) {
      return f.doubleValue();
    }
    return value; // a decimal's unscaled bytes keep their meaning: widening keeps the scale
  }

  /** The wider of two (optional) column types, or null if neither holds the other's values. */
  private static Schema wider(Schema a, Schema b) {
    Schema x = AvroRows.nonNull(a);
    Schema y = AvroRows.nonNull(b);
    if (sameType(x, y)) {
      return a;
    }
    LogicalType lx = x.getLogicalType();
    LogicalType ly = y.getLogicalType();
    if (lx == null && ly == null) {
      if (isPair(x, y, Schema.Type.INT, Schema.Type.LONG)
          || isPair(x, y, Schema.Type.FLOAT, Schema.Type.DOUBLE)) {
        return optional(x.getType() == Schema.Type.INT || x.getType() == Schema.Type.FLOAT ? y : x);
      }
      return null;
    }
    if (lx instanceof LogicalTypes.Decimal dx
        && ly instanceof LogicalTypes.Decimal dy
        && dx.getScale() == dy.getScale()) {
      return optional(dx.getPrecision() >= dy.getPrecision() ? x : y);
    }
    return null;
  }

  private static boolean isPair(Schema x, Schema y, Schema.Type narrow, Schema.Type wide) {
    return (x.getType() == narrow && y.getType() == wide)
        || (x.getType() == wide && y.getType() == narrow);
  }

  private static boolean sameType(Schema a, Schema b) {
    return Objects.equals(AvroRows.nonNull(a), AvroRows.nonNull(b));
  }

  private static Schema optional(Schema type) {
    if (type.getType() == Schema.Type.UNION) {
      return type;
    }
    return Schema.createUnion(Schema.create(Schema.Type.NULL), type);
  }

  private static PipelineException narrowed(String table, Schema.Field was, Schema.Field now) {
    return incompatible(
        table,
        "column \""
            + was.name()
            + "\" changed from "
            + AvroRows.nonNull(was.schema())
            + " to "
            + AvroRows.nonNull(now.schema())
            + ", which Hudi cannot widen");
  }

  private static PipelineException incompatible(String table, String why) {
    return new PipelineException(
        "The rows of Hudi table "
            + table
            + " changed shape in a way the table cannot follow: "
            + why
            + ". Only new columns and wider types (int to long, float to double, more decimal"
            + " digits) follow; write the changed rows to a new table");
  }
}
