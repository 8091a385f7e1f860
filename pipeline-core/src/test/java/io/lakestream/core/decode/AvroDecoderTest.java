package io.lakestream.core.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.core.error.RecordException;
import io.lakestream.core.record.DataType;
import io.lakestream.core.record.DataType.Primitive;
import io.lakestream.core.record.Field;
import io.lakestream.core.record.Row;
import io.lakestream.core.record.Schema;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.List;
import org.apache.avro.Conversions;
import org.apache.avro.LogicalTypes;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

class AvroDecoderTest {
  private static final org.apache.avro.Schema WRITER =
      new org.apache.avro.Schema.Parser()
          .parse(
              """
              {"type": "record", "name": "Order", "fields": [
                {"name": "event_id", "type": "long"},
                {"name": "amount", "type": {"type": "bytes", "logicalType": "decimal", "precision": 10, "scale": 2}},
                {"name": "event_time", "type": {"type": "long", "logicalType": "timestamp-millis"}},
                {"name": "day", "type": ["null", {"type": "int", "logicalType": "date"}], "default": null},
                {"name": "category", "type": {"type": "enum", "name": "Category", "symbols": ["BOOKS", "TOYS"]}},
                {"name": "note", "type": ["null", "string"], "default": null},
                {"name": "tags", "type": {"type": "array", "items": "string"}},
                {"name": "customer", "type": {"type": "record", "name": "Customer", "fields": [
                  {"name": "id", "type": "long"}, {"name": "vip", "type": "boolean"}]}}
              ]}
              """);

  private static byte[] encode(GenericRecord record) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(record.getSchema()).write(record, encoder);
    encoder.flush();
    return out.toByteArray();
  }

  private static GenericRecord order() {
    GenericRecord customer = new GenericData.Record(WRITER.getField("customer").schema());
    customer.put("id", 42L);
    customer.put("vip", true);
    GenericRecord r = new GenericData.Record(WRITER);
    r.put("event_id", 7L);
    org.apache.avro.Schema amount = WRITER.getField("amount").schema();
    r.put(
        "amount",
        new Conversions.DecimalConversion()
            .toBytes(new BigDecimal("12.34"), amount, LogicalTypes.decimal(10, 2)));
    r.put("event_time", 1_764_000_000_123L);
    r.put("day", 20_000);
    r.put("category", new GenericData.EnumSymbol(WRITER.getField("category").schema(), "TOYS"));
    r.put("note", null);
    r.put("tags", List.of("a", "b"));
    r.put("customer", customer);
    return r;
  }

  @Test
  void derivesTheRowSchemaFromTheWriterSchema() {
    Schema schema = AvroSchemas.rowSchema(WRITER);

    assertThat(schema.fields())
        .containsExactly(
            Field.required("event_id", Primitive.LONG),
            Field.required("amount", new DataType.Decimal(10, 2)),
            Field.required("event_time", Primitive.TIMESTAMP),
            Field.optional("day", Primitive.DATE),
            Field.required("category", Primitive.STRING),
            Field.optional("note", Primitive.STRING),
            Field.required("tags", new DataType.ListOf(Primitive.STRING, true)),
            Field.required(
                "customer",
                new DataType.Struct(
                    new Schema(
                        List.of(
                            Field.required("id", Primitive.LONG),
                            Field.required("vip", Primitive.BOOLEAN))))));
  }

  @Test
  void decodesEveryTypeIntoItsRowRepresentation() throws IOException {
    AvroDecoder decoder = new AvroDecoder(WRITER, AvroSchemas.rowSchema(WRITER));

    Row row = decoder.decode(encode(order()));

    assertThat(row)
        .isEqualTo(
            new Row(
                7L,
                new BigDecimal("12.34"),
                1_764_000_000_123_000L,
                20_000,
                "TOYS",
                null,
                List.of("a", "b"),
                new Row(42L, true)));
  }

  @Test
  void readsOnlyTheDeclaredFieldsByName() throws IOException {
    Schema declared =
        new Schema(
            List.of(
                Field.required("customer_note", Primitive.STRING),
                Field.optional("event_id", Primitive.LONG)));
    AvroDecoder decoder =
        new AvroDecoder(
            WRITER,
            new Schema(
                List.of(
                    Field.optional("event_id", Primitive.LONG),
                    Field.optional("category", Primitive.STRING))));

    assertThat(decoder.decode(encode(order()))).isEqualTo(new Row(7L, "TOYS"));
    assertThatThrownBy(() -> new AvroDecoder(WRITER, declared).decode(encode(order())))
        .isInstanceOf(RecordException.class)
        .hasMessage("field customer_note: required but missing or null");
  }

  @Test
  void truncatedBytesAreARecordError() throws IOException {
    byte[] bytes = encode(order());
    AvroDecoder decoder = new AvroDecoder(WRITER, AvroSchemas.rowSchema(WRITER));

    assertThatThrownBy(() -> decoder.decode(java.util.Arrays.copyOf(bytes, 5)))
        .isInstanceOf(RecordException.class)
        .hasMessageStartingWith("malformed Avro: ");
  }
}
