package io.lakestream.core.decode;

import io.lakestream.core.error.RecordException;
import io.lakestream.core.record.DataType;
import io.lakestream.core.record.Field;
import io.lakestream.core.record.Row;
import io.lakestream.core.record.Schema;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

/**
 * Decodes plain Avro binary datums (no Schema Registry framing) written with one writer schema into
 * rows, matching row fields to Avro fields by name. Timestamps ({@code timestamp-millis} or {@code
 * -micros}) become microseconds, decimals {@link BigDecimal}s, enums strings. One per task: it
 * reuses its binary decoder.
 */
public final class AvroDecoder implements RecordDecoder {
  private final GenericDatumReader<GenericRecord> reader;
  private final org.apache.avro.Schema writerSchema;
  private final Schema rowSchema;
  private BinaryDecoder decoder;

  public AvroDecoder(org.apache.avro.Schema writerSchema, Schema rowSchema) {
    this.writerSchema = writerSchema;
    this.rowSchema = rowSchema;
    this.reader = new GenericDatumReader<>(writerSchema);
  }

  @Override
  public Row decode(byte[] value) {
    GenericRecord record;
    try {
      decoder = DecoderFactory.get().binaryDecoder(value, decoder);
      record = reader.read(null, decoder);
      if (!decoder.isEnd()) {
        throw new RecordException("unexpected bytes after the Avro datum");
      }
    } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException e) {
      throw new RecordException("malformed Avro: " + e.getMessage());
    }
    return toRow(record, writerSchema, rowSchema, "");
  }

  private static Row toRow(
      GenericRecord record, org.apache.avro.Schema avro, Schema schema, String prefix) {
    Row row = new Row(schema.size());
    for (int i = 0; i < schema.size(); i++) {
      Field field = schema.field(i);
      String path = prefix + field.name();
      org.apache.avro.Schema.Field avroField = avro.getField(field.name());
      Object value = avroField == null ? null : record.get(avroField.pos());
      if (value == null) {
        if (field.required()) {
          throw new RecordException("field " + path + ": required but missing or null");
        }
        continue;
      }
      row.set(i, convert(value, unwrap(avroField.schema(), path), field.type(), path));
    }
    return row;
  }

  private static org.apache.avro.Schema unwrap(org.apache.avro.Schema s, String path) {
    return s.isUnion() ? AvroSchemas.nonNullBranch(s, path) : s;
  }

  private static Object convert(
      Object value, org.apache.avro.Schema avro, DataType type, String path) {
    LogicalType logical = avro.getLogicalType();
    if (type instanceof DataType.Decimal d) {
      if (!(logical instanceof LogicalTypes.Decimal ld)) {
        throw new RecordException("field " + path + ": Avro type " + avro + " is not a decimal");
      }
      byte[] bytes =
          value instanceof ByteBuffer b ? bytesOf(b) : ((GenericData.Fixed) value).bytes();
      BigDecimal decimal = new BigDecimal(new BigInteger(bytes), ld.getScale());
      if (decimal.scale() != d.scale() || decimal.precision() > d.precision()) {
        throw new RecordException("field " + path + ": " + decimal + " does not fit " + d.name());
      }
      return decimal;
    }
    if (type instanceof DataType.Struct s) {
      return toRow((GenericRecord) value, avro, s.schema(), path + ".");
    }
    if (type instanceof DataType.ListOf list) {
      org.apache.avro.Schema element = unwrap(avro.getElementType(), path);
      List<Object> out = new ArrayList<>();
      for (Object e : (Collection<?>) value) {
        out.add(e == null ? null : convert(e, element, list.element(), path));
      }
      return out;
    }
    DataType.Primitive p = (DataType.Primitive) type;
    return switch (p) {
      case TIMESTAMP ->
          logical instanceof LogicalTypes.TimestampMillis
              ? Math.multiplyExact((Long) value, 1000L)
              : (Long) value;
      case STRING -> value.toString();
      case BINARY ->
          ByteBuffer.wrap(
              value instanceof ByteBuffer b ? bytesOf(b) : ((GenericData.Fixed) value).bytes());
      case LONG -> ((Number) value).longValue();
      case DOUBLE -> ((Number) value).doubleValue();
      default -> value;
    };
  }

  private static byte[] bytesOf(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.duplicate().get(bytes);
    return bytes;
  }
}
