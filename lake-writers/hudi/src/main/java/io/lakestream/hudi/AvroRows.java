package io.lakestream.hudi;

import io.lakestream.core.error.RecordException;
import io.lakestream.core.record.DataType;
import io.lakestream.core.record.Field;
import io.lakestream.core.record.Row;
import io.lakestream.core.record.Schema;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.LogicalTypes;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * Rows as Avro records, the form Hudi writes. Every column is nullable in Avro (as Hudi tables
 * written by Spark are), so that a delete, which carries only its key, fits the same schema; the
 * writer still refuses a row whose key column is null.
 */
final class AvroRows {
  private AvroRows() {}

  /** The Avro record schema of rows of {@code schema}, named after the table. */
  static org.apache.avro.Schema schema(Schema schema, String recordName) {
    return record(schema, recordName, "");
  }

  private static org.apache.avro.Schema record(Schema schema, String name, String namespace) {
    List<org.apache.avro.Schema.Field> fields = new ArrayList<>();
    for (Field f : schema.fields()) {
      org.apache.avro.Schema type = type(f.type(), name + "_" + f.name());
      fields.add(
          new org.apache.avro.Schema.Field(
              f.name(),
              org.apache.avro.Schema.createUnion(
                  org.apache.avro.Schema.create(org.apache.avro.Schema.Type.NULL), type),
              f.doc(),
              org.apache.avro.Schema.Field.NULL_DEFAULT_VALUE));
    }
    return org.apache.avro.Schema.createRecord(name, null, namespace, false, fields);
  }

  private static org.apache.avro.Schema type(DataType type, String name) {
    if (type instanceof DataType.Primitive p) {
      return switch (p) {
        case BOOLEAN -> SchemaBuilder.builder().booleanType();
        case INT -> SchemaBuilder.builder().intType();
        case LONG -> SchemaBuilder.builder().longType();
        case FLOAT -> SchemaBuilder.builder().floatType();
        case DOUBLE -> SchemaBuilder.builder().doubleType();
        case STRING -> SchemaBuilder.builder().stringType();
        case BINARY -> SchemaBuilder.builder().bytesType();
        case DATE -> LogicalTypes.date().addToSchema(SchemaBuilder.builder().intType());
        case TIMESTAMP ->
            LogicalTypes.timestampMicros().addToSchema(SchemaBuilder.builder().longType());
      };
    }
    if (type instanceof DataType.Decimal d) {
      return LogicalTypes.decimal(d.precision(), d.scale())
          .addToSchema(SchemaBuilder.builder().bytesType());
    }
    if (type instanceof DataType.Struct s) {
      return record(s.schema(), name, "");
    }
    DataType.ListOf list = (DataType.ListOf) type;
    org.apache.avro.Schema element = type(list.element(), name + "_element");
    return org.apache.avro.Schema.createArray(
        list.elementRequired()
            ? element
            : org.apache.avro.Schema.createUnion(
                org.apache.avro.Schema.create(org.apache.avro.Schema.Type.NULL), element));
  }

  /**
   * {@code row} as a record of {@code avro}, which {@link #schema} made from {@code schema}.
   *
   * @throws RecordException if a decimal value does not fit its column
   */
  static GenericRecord record(Row row, Schema schema, org.apache.avro.Schema avro) {
    GenericData.Record record = new GenericData.Record(avro);
    for (int i = 0; i < schema.size(); i++) {
      Field f = schema.field(i);
      record.put(i, value(row.get(i), f.type(), nonNull(avro.getFields().get(i).schema())));
    }
    return record;
  }

  private static Object value(Object value, DataType type, org.apache.avro.Schema avro) {
    if (value == null) {
      return null;
    }
    if (type instanceof DataType.Decimal d) {
      return ByteBuffer.wrap(fit((BigDecimal) value, d).unscaledValue().toByteArray());
    }
    if (type instanceof DataType.Struct s) {
      return record((Row) value, s.schema(), avro);
    }
    if (type instanceof DataType.ListOf list) {
      org.apache.avro.Schema element = nonNull(avro.getElementType());
      List<Object> out = new ArrayList<>();
      for (Object e : (List<?>) value) {
        out.add(value(e, list.element(), element));
      }
      return out;
    }
    if (value instanceof ByteBuffer b) {
      return b.duplicate();
    }
    return value;
  }

  /**
   * {@code value} with the column's scale, which the unscaled bytes Hudi writes assume.
   *
   * @throws RecordException if that needs rounding or more digits than the column has
   */
  private static BigDecimal fit(BigDecimal value, DataType.Decimal type) {
    BigDecimal scaled;
    try {
      scaled = value.setScale(type.scale());
    } catch (ArithmeticException e) {
      scaled = null;
    }
    if (scaled == null || scaled.precision() > type.precision()) {
      throw new RecordException(
          "value " + value.toPlainString() + " does not fit " + type.name() + " without rounding");
    }
    return scaled;
  }

  /** The non-null branch of an optional type, or the type itself. */
  static org.apache.avro.Schema nonNull(org.apache.avro.Schema schema) {
    if (schema.getType() == org.apache.avro.Schema.Type.UNION) {
      for (org.apache.avro.Schema branch : schema.getTypes()) {
        if (branch.getType() != org.apache.avro.Schema.Type.NULL) {
          return branch;
        }
      }
    }
    return schema;
  }
}
