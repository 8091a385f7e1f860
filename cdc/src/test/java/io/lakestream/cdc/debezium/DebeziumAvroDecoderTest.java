package io.lakestream.cdc.debezium;

import static io.lakestream.cdc.debezium.PostgresEvents.ORDERS;
import static io.lakestream.cdc.debezium.PostgresEvents.micros;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.cdc.debezium.EventInfo.Operation;
import io.lakestream.core.error.RecordException;
import io.lakestream.core.record.Change;
import io.lakestream.core.record.Change.Kind;
import io.lakestream.core.record.DataType;
import io.lakestream.core.record.DataType.Primitive;
import io.lakestream.core.record.Field;
import io.lakestream.core.record.Row;
import io.lakestream.core.record.Schema;
import io.lakestream.core.spec.SchemaSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

class DebeziumAvroDecoderTest {
  /** The PostgreSQL connector's source block, as Debezium's Avro converter declares it. */
  private static final String SOURCE =
      """
      {"name":"source","type":{"type":"record","name":"Source",
        "namespace":"io.debezium.connector.postgresql","fields":[
        {"name":"version","type":"string"},{"name":"connector","type":"string"},
        {"name":"name","type":"string"},{"name":"ts_ms","type":"long"},
        {"name":"snapshot","type":[{"type":"string","connect.version":1,
          "connect.parameters":{"allowed":"true,last,false,incremental"},
          "connect.default":"false","connect.name":"io.debezium.data.Enum"},"null"],
         "default":"false"},
        {"name":"db","type":"string"},{"name":"sequence","type":["null","string"],"default":null},
        {"name":"schema","type":"string"},{"name":"table","type":"string"},
        {"name":"txId","type":["null","long"],"default":null},
        {"name":"lsn","type":["null","long"],"default":null},
        {"name":"xmin","type":["null","long"],"default":null}],
        "connect.name":"io.debezium.connector.postgresql.Source"}}""";

  private static final String ORDERS_VALUE_FIELDS =
      """
      {"name":"id","type":{"type":"int","connect.default":0},"default":0},
      {"name":"customer","type":["null","string"],"default":null},
      {"name":"amount","type":["null",{"type":"bytes","scale":2,"precision":10,
        "connect.version":1,"connect.parameters":{"scale":"2","connect.decimal.precision":"10"},
        "connect.name":"org.apache.kafka.connect.data.Decimal","logicalType":"decimal"}],
       "default":null},
      {"name":"created_at","type":["null",{"type":"long","connect.version":1,
        "connect.name":"io.debezium.time.MicroTimestamp"}],"default":null},
      {"name":"updated_at","type":["null",{"type":"string","connect.version":1,
        "connect.name":"io.debezium.time.ZonedTimestamp"}],"default":null},
      {"name":"order_date","type":["null",{"type":"int","connect.version":1,
        "connect.name":"io.debezium.time.Date"}],"default":null},
      {"name":"details","type":["null",{"type":"string","connect.version":1,
        "connect.name":"io.debezium.data.Json"}],"default":null},
      {"name":"ref","type":["null",{"type":"string","connect.version":1,
        "connect.name":"io.debezium.data.Uuid"}],"default":null},
      {"name":"photo","type":["null","bytes"],"default":null},
      {"name":"active","type":["null","boolean"],"default":null},
      {"name":"weight","type":["null","double"],"default":null},
      {"name":"qty","type":["null","long"],"default":null}""";

  private static final org.apache.avro.Schema ORDERS_ENVELOPE =
      envelope("orders", ORDERS_VALUE_FIELDS);

  private static final org.apache.avro.Schema ORDERS_KEY =
      parse(
          """
          {"type":"record","name":"Key","namespace":"dbserver1.public.orders",
           "fields":[{"name":"id","type":"int"}],"connect.name":"dbserver1.public.orders.Key"}""");

  private static final long LSN = 24_023_128L;
  private static final long SOURCE_TS = 1_559_033_904_863L;
  private static final long TS = 1_559_033_904_900L;

  private final DebeziumAvroDecoder decoder =
      new DebeziumAvroDecoder(ORDERS_ENVELOPE, ORDERS_KEY, new SchemaSpec(ORDERS, Map.of()));

  private static org.apache.avro.Schema parse(String json) {
    return new org.apache.avro.Schema.Parser().parse(json);
  }

  private static org.apache.avro.Schema envelope(String table, String valueFields) {
    return parse(
        """
        {"type":"record","name":"Envelope","namespace":"dbserver1.public.%1$s","fields":[
          {"name":"before","type":["null",{"type":"record","name":"Value","fields":[%2$s],
            "connect.name":"dbserver1.public.%1$s.Value"}],"default":null},
          {"name":"after","type":["null","Value"],"default":null},
          %3$s,
          {"name":"op","type":"string"},
          {"name":"ts_ms","type":["null","long"],"default":null},
          {"name":"transaction","type":["null",{"type":"record","name":"block","namespace":"event",
            "fields":[{"name":"id","type":"string"},{"name":"total_order","type":"long"},
             {"name":"data_collection_order","type":"long"}],
            "connect.version":1,"connect.name":"event.block"}],"default":null}],
         "connect.version":1,"connect.name":"dbserver1.public.%1$s.Envelope"}"""
            .formatted(table, valueFields, SOURCE));
  }

  private static org.apache.avro.Schema valueSchema(org.apache.avro.Schema envelope) {
    return envelope.getField("before").schema().getTypes().get(1);
  }

  private static GenericRecord sallyRecord() {
    GenericRecord r = new GenericData.Record(valueSchema(ORDERS_ENVELOPE));
    r.put("id", 1001);
    r.put("customer", "Sally Thomas");
    r.put("amount", ByteBuffer.wrap(new byte[] {0x04, (byte) 0xD2}));
    r.put("created_at", 1_529_507_596_945_104L);
    r.put("updated_at", "2018-06-20T13:37:03.123456Z");
    r.put("order_date", 17_702);
    r.put("details", "{\"gift\":true}");
    r.put("ref", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
    r.put("photo", ByteBuffer.wrap(new byte[] {1, 2, 3}));
    r.put("active", true);
    r.put("weight", 2.5);
    r.put("qty", 3L);
    return r;
  }

  /** The row of {@link #sallyRecord()}, computed independently of the decoder. */
  private static Row sally() {
    return new Row(
        1001,
        "Sally Thomas",
        new BigDecimal("12.34"),
        micros("2018-06-20T15:13:16.945104Z"),
        micros("2018-06-20T13:37:03.123456Z"),
        (int) LocalDate.of(2018, 6, 20).toEpochDay(),
        "{\"gift\":true}",
        "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
        ByteBuffer.wrap(new byte[] {1, 2, 3}),
        true,
        2.5,
        3L);
  }

  private static GenericRecord envelopeRecord(
      org.apache.avro.Schema schema,
      GenericRecord before,
      GenericRecord after,
      String op,
      long lsn) {
    GenericRecord source = new GenericData.Record(schema.getField("source").schema());
    source.put("version", "2.7.3.Final");
    source.put("connector", "postgresql");
    source.put("name", "dbserver1");
    source.put("ts_ms", SOURCE_TS);
    source.put("snapshot", "false");
    source.put("db", "shop");
    source.put("sequence", "[\"" + (lsn - 8) + "\",\"" + lsn + "\"]");
    source.put("schema", "public");
    source.put("table", "orders");
    source.put("txId", 767L);
    source.put("lsn", lsn);
    GenericRecord e = new GenericData.Record(schema);
    e.put("before", before);
    e.put("after", after);
    e.put("source", source);
    e.put("op", op);
    e.put("ts_ms", TS);
    return e;
  }

  private static byte[] write(org.apache.avro.Schema schema, GenericRecord record) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
      new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
      encoder.flush();
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] orders(GenericRecord before, GenericRecord after, String op, long lsn) {
    return write(ORDERS_ENVELOPE, envelopeRecord(ORDERS_ENVELOPE, before, after, op, lsn));
  }

  private static GenericRecord keyOnlyRecord(int id) {
    GenericRecord r = new GenericData.Record(valueSchema(ORDERS_ENVELOPE));
    r.put("id", id);
    return r;
  }

  private static Row keyOnly(int id) {
    Row row = new Row(ORDERS.size());
    row.set(0, id);
    return row;
  }

  @Test
  void roundTripsSnapshotReadsInsertsUpdatesAndDeletes() {
    GenericRecord updated = sallyRecord();
    updated.put("customer", "Sally Kay");
    Row updatedRow = sally();
    updatedRow.set(1, "Sally Kay");

    Change read = decoder.decode(null, orders(null, sallyRecord(), "r", LSN));
    EventInfo readInfo = decoder.lastEvent();
    Change insert = decoder.decode(null, orders(null, sallyRecord(), "c", LSN + 1));
    Change update = decoder.decode(null, orders(sallyRecord(), updated, "u", LSN + 2));
    Change delete = decoder.decode(null, orders(keyOnlyRecord(1001), null, "d", LSN + 3));

    assertThat(read).isEqualTo(new Change(Kind.UPSERT, sally(), LSN));
    assertThat(readInfo)
        .isEqualTo(new EventInfo(Operation.READ, SOURCE_TS, TS, null, -1, -1, List.of()));
    assertThat(insert).isEqualTo(new Change(Kind.UPSERT, sally(), LSN + 1));
    assertThat(update).isEqualTo(new Change(Kind.UPSERT, updatedRow, LSN + 2));
    assertThat(delete).isEqualTo(new Change(Kind.DELETE, keyOnly(1001), LSN + 3));
  }

  @Test
  void reportsTransactionMetadata() {
    GenericRecord e = envelopeRecord(ORDERS_ENVELOPE, null, sallyRecord(), "c", LSN);
    GenericRecord tx =
        new GenericData.Record(ORDERS_ENVELOPE.getField("transaction").schema().getTypes().get(1));
    tx.put("id", "767:24023128");
    tx.put("total_order", 2L);
    tx.put("data_collection_order", 1L);
    e.put("transaction", tx);

    decoder.decode(null, write(ORDERS_ENVELOPE, e));

    assertThat(decoder.lastEvent())
        .isEqualTo(new EventInfo(Operation.CREATE, SOURCE_TS, TS, "767:24023128", 2, 1, List.of()));
  }

  @Test
  void takesTheKeyOfADeleteWithoutBeforeImageFromTheRecordKey() {
    GenericRecord key = new GenericData.Record(ORDERS_KEY);
    key.put("id", 1002);
    byte[] delete = orders(null, null, "d", LSN);

    Change change = decoder.decode(write(ORDERS_KEY, key), delete);

    assertThat(change).isEqualTo(new Change(Kind.DELETE, keyOnly(1002), LSN));
    assertThatThrownBy(() -> new DebeziumAvroDecoder(ORDERS_ENVELOPE, ORDERS).decode(null, delete))
        .isInstanceOf(RecordException.class)
        .hasMessage(
            "delete event (position 24023128) has no before image and no record key, so the"
                + " deleted row is unknown; give the source table a primary key or REPLICA IDENTITY");
  }

  @Test
  void returnsNullForTombstonesAndRejectsTruncates() {
    assertThat(decoder.decode(new byte[] {2}, null)).isNull();
    assertThat(decoder.lastEvent()).isNull();
    assertThatThrownBy(() -> decoder.decode(null, orders(null, null, "t", LSN)))
        .isInstanceOf(RecordException.class)
        .hasMessageStartingWith(
            "truncate events are not supported: a TRUNCATE of the source table (position 24023128)");
  }

  @Test
  void honorsLogicalTypesAndDebeziumSemanticTypes() {
    String fields =
        """
        {"name":"id","type":"int"},
        {"name":"t_millis","type":["null",{"type":"long","connect.version":1,
          "connect.name":"org.apache.kafka.connect.data.Timestamp","logicalType":"timestamp-millis"}]},
        {"name":"t_micros","type":["null",{"type":"long","logicalType":"timestamp-micros"}]},
        {"name":"t_dbz_millis","type":["null",{"type":"long","connect.version":1,
          "connect.name":"io.debezium.time.Timestamp"}]},
        {"name":"t_nanos","type":["null",{"type":"long","connect.version":1,
          "connect.name":"io.debezium.time.NanoTimestamp"}]},
        {"name":"t_zoned","type":["null",{"type":"string","connect.version":1,
          "connect.name":"io.debezium.time.ZonedTimestamp"}]},
        {"name":"day","type":["null",{"type":"int","connect.version":1,
          "connect.name":"org.apache.kafka.connect.data.Date","logicalType":"date"}]},
        {"name":"price","type":["null",{"type":"bytes","scale":3,"precision":9,
          "connect.parameters":{"scale":"3","connect.decimal.precision":"9"},
          "connect.name":"org.apache.kafka.connect.data.Decimal","logicalType":"decimal"}]},
        {"name":"ratio","type":["null",{"type":"record","name":"VariableScaleDecimal",
          "namespace":"io.debezium.data","fields":[{"name":"scale","type":"int"},
          {"name":"value","type":"bytes"}],"connect.doc":"Variable scaled decimal",
          "connect.version":1,"connect.name":"io.debezium.data.VariableScaleDecimal"}]}""";
    org.apache.avro.Schema envelope = envelope("readings", fields);
    Schema readings =
        new Schema(
            List.of(
                Field.required("id", Primitive.INT),
                Field.optional("t_millis", Primitive.TIMESTAMP),
                Field.optional("t_micros", Primitive.TIMESTAMP),
                Field.optional("t_dbz_millis", Primitive.TIMESTAMP),
                Field.optional("t_nanos", Primitive.TIMESTAMP),
                Field.optional("t_zoned", Primitive.TIMESTAMP),
                Field.optional("day", Primitive.DATE),
                Field.optional("price", new DataType.Decimal(9, 3)),
                Field.optional("ratio", new DataType.Decimal(20, 5))));
    GenericRecord row = new GenericData.Record(valueSchema(envelope));
    row.put("id", 1);
    row.put("t_millis", 1_529_476_623_123L);
    row.put("t_micros", 1_529_507_596_945_104L);
    row.put("t_dbz_millis", 1_529_476_623_000L);
    row.put("t_nanos", 1_529_507_596_945_104_789L);
    row.put("t_zoned", "2018-06-20T15:37:03.5+02:00");
    row.put("day", -1);
    row.put("price", ByteBuffer.wrap(new byte[] {(byte) 0xFA, 0x24}));
    GenericRecord ratio =
        new GenericData.Record(valueSchema(envelope).getField("ratio").schema().getTypes().get(1));
    ratio.put("scale", 4);
    ratio.put("value", ByteBuffer.wrap(new byte[] {0x30, 0x39}));
    row.put("ratio", ratio);

    Change change =
        new DebeziumAvroDecoder(envelope, readings)
            .decode(null, write(envelope, envelopeRecord(envelope, null, row, "c", LSN)));

    assertThat(change.row())
        .isEqualTo(
            new Row(
                1,
                micros("2018-06-20T06:37:03.123Z"),
                micros("2018-06-20T15:13:16.945104Z"),
                micros("2018-06-20T06:37:03Z"),
                micros("2018-06-20T15:13:16.945104Z"),
                micros("2018-06-20T13:37:03.500Z"),
                (int) LocalDate.of(1969, 12, 31).toEpochDay(),
                new BigDecimal("-1.500"),
                new BigDecimal("1.23450")));
  }

  @Test
  void takesTheColumnsFromTheEnvelopeWhenTheSpecDeclaresNone() {
    DebeziumAvroDecoder undeclared =
        new DebeziumAvroDecoder(ORDERS_ENVELOPE, null, SchemaSpec.undeclared());

    assertThat(undeclared.schema().fields())
        .extracting(Field::name)
        .containsExactlyElementsOf(ORDERS.fields().stream().map(Field::name).toList());
    assertThat(undeclared.decode(null, orders(null, sallyRecord(), "c", LSN)).row().get(1))
        .isEqualTo("Sally Thomas");
  }

  @Test
  void rejectsSchemasThatAreNoEnvelopeOrDoNotFitTheColumns() {
    org.apache.avro.Schema plain =
        parse(
            "{\"type\":\"record\",\"name\":\"Plain\",\"fields\":[{\"name\":\"id\",\"type\":\"int\"}]}");
    org.apache.avro.Schema timeOfDay =
        envelope(
            "orders",
            ORDERS_VALUE_FIELDS.replace(
                "io.debezium.time.MicroTimestamp", "io.debezium.time.MicroTime"));

    assertThatThrownBy(() -> new DebeziumAvroDecoder(plain, ORDERS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a Debezium envelope needs the fields op and before/after; Plain has [id]");
    assertThatThrownBy(() -> new DebeziumAvroDecoder(timeOfDay, ORDERS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "field created_at: Avro type long (io.debezium.time.MicroTime) cannot be read as"
                + " timestamp; change the column's type in the spec");
  }

  @Test
  void rejectsMalformedDatums() {
    byte[] valid = orders(null, sallyRecord(), "c", LSN);
    byte[] truncated = Arrays.copyOf(valid, 20);
    byte[] trailing = Arrays.copyOf(valid, valid.length + 1);

    assertThatThrownBy(() -> decoder.decode(null, truncated))
        .isInstanceOf(RecordException.class)
        .hasMessageStartingWith("malformed Avro in the record value: ");
    assertThatThrownBy(() -> decoder.decode(null, trailing))
        .isInstanceOf(RecordException.class)
        .hasMessage("unexpected bytes after the Avro datum in the record value");
  }

  @Test
  void rejectsValuesThatDoNotFitTheirColumn() {
    GenericRecord tooPrecise = sallyRecord();
    tooPrecise.put("updated_at", "not a time");

    assertThatThrownBy(() -> decoder.decode(null, orders(null, tooPrecise, "c", LSN)))
        .isInstanceOf(RecordException.class)
        .hasMessage("field updated_at: not an ISO-8601 timestamp: \"not a time\"");
  }
}
