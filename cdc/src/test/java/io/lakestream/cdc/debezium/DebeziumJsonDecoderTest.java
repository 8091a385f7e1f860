package io.lakestream.cdc.debezium;

import static io.lakestream.cdc.debezium.PostgresEvents.ORDERS;
import static io.lakestream.cdc.debezium.PostgresEvents.ORDERS_FIELDS;
import static io.lakestream.cdc.debezium.PostgresEvents.bytes;
import static io.lakestream.cdc.debezium.PostgresEvents.compact;
import static io.lakestream.cdc.debezium.PostgresEvents.envelope;
import static io.lakestream.cdc.debezium.PostgresEvents.envelopeSchema;
import static io.lakestream.cdc.debezium.PostgresEvents.micros;
import static io.lakestream.cdc.debezium.PostgresEvents.source;
import static io.lakestream.cdc.debezium.PostgresEvents.wrapped;
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
import io.lakestream.core.spec.SchemaSpec.TimestampFormat;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DebeziumJsonDecoderTest {
  private static final String ORDERS_SCHEMA = envelopeSchema("orders", ORDERS_FIELDS);
  private static final long LSN = 24_023_128L;
  private static final long SOURCE_TS = 1_559_033_904_863L;
  private static final long TS = 1_559_033_904_900L;
  private static final String SOURCE = source("orders", LSN, SOURCE_TS, "false");

  /** Sally's order as the PostgreSQL connector writes it (amount 12.34 is unscaled 1234). */
  private static final String SALLY =
      """
      {"id":1001,"customer":"Sally Thomas","amount":"BNI=","created_at":1529507596945104,
       "updated_at":"2018-06-20T13:37:03.123456Z","order_date":17702,
       "details":"{\\"gift\\":true}","ref":"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
       "photo":"AQID","active":true,"weight":2.5,"qty":3}""";

  private static final String SALLY_KEY_ONLY =
      """
      {"id":1001,"customer":null,"amount":null,"created_at":null,"updated_at":null,
       "order_date":null,"details":null,"ref":null,"photo":null,"active":null,"weight":null,
       "qty":null}""";

  private final DebeziumJsonDecoder decoder = new DebeziumJsonDecoder(ORDERS);

  /** The row of {@link #SALLY}, with every value computed independently of the decoder. */
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

  private static Row keyOnly(int id) {
    Row row = new Row(ORDERS.size());
    row.set(0, id);
    return row;
  }

  private Change decode(String value) {
    return decoder.decode(null, bytes(value));
  }

  private static String withSchema(String payload) {
    return compact(wrapped(ORDERS_SCHEMA, payload));
  }

  @Test
  void decodesSnapshotReadWithEmbeddedSchema() {
    Change change = decode(withSchema(envelope("null", SALLY, SOURCE, "r", TS)));

    assertThat(change).isEqualTo(new Change(Kind.UPSERT, sally(), LSN));
    assertThat(decoder.lastEvent())
        .isEqualTo(new EventInfo(Operation.READ, SOURCE_TS, TS, null, -1, -1, List.of()));
  }

  @Test
  void decodesInsertUpdateAndDeleteWithEmbeddedSchema() {
    String updated = SALLY.replace("Sally Thomas", "Sally Kay");
    Row updatedRow = sally();
    updatedRow.set(1, "Sally Kay");

    Change insert = decode(withSchema(envelope("null", SALLY, SOURCE, "c", TS)));
    Change update =
        decode(
            withSchema(
                envelope(
                    "null", updated, source("orders", LSN + 100, SOURCE_TS, "false"), "u", TS)));
    Change delete =
        decode(
            withSchema(
                envelope(
                    SALLY_KEY_ONLY,
                    "null",
                    source("orders", LSN + 200, SOURCE_TS, "false"),
                    "d",
                    TS)));

    assertThat(insert).isEqualTo(new Change(Kind.UPSERT, sally(), LSN));
    assertThat(update).isEqualTo(new Change(Kind.UPSERT, updatedRow, LSN + 100));
    assertThat(delete).isEqualTo(new Change(Kind.DELETE, keyOnly(1001), LSN + 200));
    assertThat(decoder.lastEvent().op()).isEqualTo(Operation.DELETE);
  }

  @Test
  void decodesInsertUpdateAndDeleteWithoutSchema() {
    String updated = SALLY.replace("\"qty\":3", "\"qty\":4");
    Row updatedRow = sally();
    updatedRow.set(11, 4L);

    Change insert = decode(envelope("null", SALLY, SOURCE, "c", TS));
    Change update =
        decode(envelope(SALLY, updated, source("orders", LSN + 1, SOURCE_TS, "false"), "u", TS));
    Change delete =
        decode(envelope(SALLY, "null", source("orders", LSN + 2, SOURCE_TS, "false"), "d", TS));
    Change read =
        decode(envelope("null", SALLY, source("orders", LSN, SOURCE_TS, "true"), "r", TS));

    assertThat(insert).isEqualTo(new Change(Kind.UPSERT, sally(), LSN));
    assertThat(update).isEqualTo(new Change(Kind.UPSERT, updatedRow, LSN + 1));
    assertThat(delete).isEqualTo(new Change(Kind.DELETE, sally(), LSN + 2));
    assertThat(read).isEqualTo(new Change(Kind.UPSERT, sally(), LSN));
  }

  @Test
  void decodesARepeatedSchemaTheSameWayCompactOrIndented() {
    String payload = envelope("null", SALLY, SOURCE, "c", TS);
    String compact = withSchema(payload);
    String indented =
        wrapped(ORDERS_SCHEMA, payload).replace(",\"payload\":", " ,\n \"payload\" :  ");

    List<Change> changes =
        List.of(
            decode(compact), decode(compact), decode(indented), decode(indented), decode(compact));

    assertThat(changes).containsOnly(new Change(Kind.UPSERT, sally(), LSN));
  }

  @Test
  void readsThePayloadWhenItComesBeforeTheSchema() {
    String schema =
        envelopeSchema(
            "events",
            "{\"type\":\"int32\",\"optional\":false,\"field\":\"id\"},"
                + "{\"type\":\"int64\",\"optional\":true,\"name\":\"io.debezium.time.Timestamp\","
                + "\"version\":1,\"field\":\"created_at\"}");
    String payload = envelope("null", "{\"id\":7,\"created_at\":1529476623000}", SOURCE, "c", TS);
    String message = "{\"payload\":" + payload + ",\"schema\":" + schema + "}";
    Row expected = keyOnly(7);
    expected.set(3, micros("2018-06-20T06:37:03Z"));

    assertThat(decode(message)).isEqualTo(new Change(Kind.UPSERT, expected, LSN));
  }

  @Test
  void learnsAColumnTheEmbeddedSchemaGains() {
    String v2 =
        envelopeSchema(
            "orders",
            ORDERS_FIELDS + ",{\"type\":\"string\",\"optional\":true,\"field\":\"note\"}");
    String sallyWithNote = SALLY.replace("\"qty\":3", "\"qty\":3,\"note\":\"fragile\"");

    Change first = decode(withSchema(envelope("null", SALLY, SOURCE, "c", TS)));
    assertThat(decoder.schemaChange()).isNull();
    Change second = decode(compact(wrapped(v2, envelope("null", sallyWithNote, SOURCE, "u", TS))));
    io.lakestream.core.record.Schema learned = decoder.schemaChange();
    EventInfo secondInfo = decoder.lastEvent();
    Change third = decode(withSchema(envelope("null", SALLY, SOURCE, "u", TS)));

    // the new column joins the rows, after the declared ones, from the first event that has it
    assertThat(learned.fields()).last().isEqualTo(Field.optional("note", Primitive.STRING));
    assertThat(decoder.schemaChange()).as("handed over once").isNull();
    assertThat(first.row()).isEqualTo(sally());
    assertThat(second.row()).isEqualTo(plus(sally(), "fragile"));
    assertThat(third.row()).isEqualTo(plus(sally(), null));
    assertThat(secondInfo.unmappedFields()).isEmpty();
  }

  private static Row plus(Row row, Object value) {
    Row result = new Row(row.size() + 1);
    for (int i = 0; i < row.size(); i++) {
      result.set(i, row.get(i));
    }
    result.set(row.size(), value);
    return result;
  }

  @Test
  void reportsTransactionMetadata() {
    String payload =
        envelope("null", SALLY, SOURCE, "c", TS)
            .replace(
                "\"transaction\":null",
                "\"transaction\":{\"id\":\"767:24023128\",\"total_order\":2,"
                    + "\"data_collection_order\":1}");
    // Debezium's documentation also shows these numbers as strings
    String asStrings =
        payload
            .replace("\"total_order\":2", "\"total_order\":\"2\"")
            .replace("\"ts_ms\":" + TS, "\"ts_ms\":\"" + TS + "\"");

    EventInfo expected =
        new EventInfo(Operation.CREATE, SOURCE_TS, TS, "767:24023128", 2, 1, List.of());
    decode(withSchema(payload));
    EventInfo withSchema = decoder.lastEvent();
    decode(payload);
    EventInfo without = decoder.lastEvent();
    decode(asStrings);

    assertThat(List.of(withSchema, without, decoder.lastEvent())).containsOnly(expected);
  }

  @Test
  void takesTheKeyOfADeleteWithoutBeforeImageFromTheRecordKey() {
    String delete = envelope("null", "null", SOURCE, "d", TS);
    String keySchema =
        "{\"type\":\"struct\",\"fields\":[{\"type\":\"int32\",\"optional\":false,\"field\":\"id\"}],"
            + "\"optional\":false,\"name\":\"dbserver1.public.orders.Key\"}";

    Change plain = decoder.decode(bytes("{\"id\":1001}"), bytes(delete));
    Change withSchemas =
        decoder.decode(bytes(wrapped(keySchema, "{\"id\":1002}")), bytes(withSchema(delete)));

    assertThat(plain).isEqualTo(new Change(Kind.DELETE, keyOnly(1001), LSN));
    assertThat(withSchemas).isEqualTo(new Change(Kind.DELETE, keyOnly(1002), LSN));
  }

  @Test
  void rejectsADeleteWithoutBeforeImageOrKey() {
    assertThatThrownBy(() -> decode(envelope("null", "null", SOURCE, "d", TS)))
        .isInstanceOf(RecordException.class)
        .hasMessage(
            "delete event (position 24023128) has no before image and no record key, so the"
                + " deleted row is unknown; give the source table a primary key or REPLICA IDENTITY");
    assertThatThrownBy(
            () -> decoder.decode(bytes("[1001]"), bytes(envelope("null", "null", SOURCE, "d", TS))))
        .isInstanceOf(RecordException.class)
        .hasMessage("record key: expected a JSON object of key columns, found array");
  }

  @Test
  void returnsNullForTombstonesAndNullPayloads() {
    assertThat(decoder.decode(bytes("{\"id\":1001}"), null)).isNull();
    assertThat(decode("{\"schema\":null,\"payload\":null}")).isNull();
    assertThat(decode("null")).isNull();
    assertThat(decoder.lastEvent()).isNull();
  }

  @Test
  void returnsNullForMessagesThatChangeNoRow() {
    String heartbeat = "{\"ts_ms\":1714640000000}";
    String heartbeatWithSchema =
        wrapped(
            "{\"type\":\"struct\",\"fields\":[{\"type\":\"int64\",\"optional\":false,"
                + "\"field\":\"ts_ms\"}],\"optional\":false,"
                + "\"name\":\"io.debezium.connector.common.Heartbeat\"}",
            heartbeat);
    String schemaChange =
        """
        {"source":{"version":"2.7.3.Final","connector":"mysql","name":"mysql-server-1",
          "ts_ms":1714640000000,"snapshot":"false","db":"inventory","table":"customers",
          "server_id":223344,"file":"mysql-bin.000003","pos":154,"row":0},
         "ts_ms":1714640000100,"databaseName":"inventory","schemaName":null,
         "ddl":"ALTER TABLE customers ADD COLUMN middle_name VARCHAR(2000)",
         "tableChanges":[{"type":"ALTER","id":"\\"inventory\\".\\"customers\\"",
          "table":{"defaultCharsetName":"utf8mb4","primaryKeyColumnNames":["id"],"columns":[]}}]}
        """;
    String transactionBegin =
        "{\"status\":\"BEGIN\",\"id\":\"571\",\"event_count\":null,\"data_collections\":null}";
    String logicalMessage =
        """
        {"op":"m","ts_ms":1714640000100,"source":%s,
         "message":{"prefix":"audit","content":"aGVsbG8="}}"""
            .formatted(SOURCE);

    assertThat(decode(withSchema(envelope("null", SALLY, SOURCE, "c", TS)))).isNotNull();
    assertThat(decode(heartbeat)).isNull();
    assertThat(decode(heartbeatWithSchema)).isNull();
    assertThat(decode(schemaChange)).isNull();
    assertThat(decode(transactionBegin)).isNull();
    assertThat(decode(logicalMessage)).isNull();
    assertThat(decoder.lastEvent()).isNull();
  }

  @Test
  void rejectsTruncates() {
    String truncate = envelope("null", "null", SOURCE, "t", TS);

    assertThatThrownBy(() -> decode(withSchema(truncate)))
        .isInstanceOf(RecordException.class)
        .hasMessage(
            "truncate events are not supported: a TRUNCATE of the source table (position 24023128)"
                + " cannot be applied as row changes; leave truncates out with the connector option"
                + " skipped.operations=t, or let the pipeline's error policy skip this record");
  }

  @Test
  void decodesEverySemanticTypeFromTheEmbeddedSchema() {
    Schema readings =
        new Schema(
            List.of(
                Field.required("id", Primitive.INT),
                Field.optional("t_millis", Primitive.TIMESTAMP),
                Field.optional("t_micros", Primitive.TIMESTAMP),
                Field.optional("t_nanos", Primitive.TIMESTAMP),
                Field.optional("t_zoned", Primitive.TIMESTAMP),
                Field.optional("t_connect", Primitive.TIMESTAMP),
                Field.optional("d_connect", Primitive.DATE),
                Field.optional("d_debezium", Primitive.DATE),
                Field.optional("price", new DataType.Decimal(9, 3)),
                Field.optional("price_numeric", new DataType.Decimal(9, 2)),
                Field.optional("ratio", new DataType.Decimal(20, 5)),
                Field.optional("doc", Primitive.STRING),
                Field.optional("uid", Primitive.STRING),
                Field.optional("raw", Primitive.BINARY)));
    String fields =
        """
        {"type":"int32","optional":false,"field":"id"},
        {"type":"int64","optional":true,"name":"io.debezium.time.Timestamp","version":1,"field":"t_millis"},
        {"type":"int64","optional":true,"name":"io.debezium.time.MicroTimestamp","version":1,"field":"t_micros"},
        {"type":"int64","optional":true,"name":"io.debezium.time.NanoTimestamp","version":1,"field":"t_nanos"},
        {"type":"string","optional":true,"name":"io.debezium.time.ZonedTimestamp","version":1,"field":"t_zoned"},
        {"type":"int64","optional":true,"name":"org.apache.kafka.connect.data.Timestamp","version":1,"field":"t_connect"},
        {"type":"int32","optional":true,"name":"org.apache.kafka.connect.data.Date","version":1,"field":"d_connect"},
        {"type":"int32","optional":true,"name":"io.debezium.time.Date","version":1,"field":"d_debezium"},
        {"type":"bytes","optional":true,"name":"org.apache.kafka.connect.data.Decimal","version":1,
         "parameters":{"scale":"3","connect.decimal.precision":"9"},"field":"price"},
        {"type":"bytes","optional":true,"name":"org.apache.kafka.connect.data.Decimal","version":1,
         "parameters":{"scale":"2"},"field":"price_numeric"},
        {"type":"struct","fields":[{"type":"int32","optional":false,"field":"scale"},
          {"type":"bytes","optional":false,"field":"value"}],"optional":true,
         "name":"io.debezium.data.VariableScaleDecimal","version":1,"doc":"Variable scaled decimal",
         "field":"ratio"},
        {"type":"string","optional":true,"name":"io.debezium.data.Json","version":1,"field":"doc"},
        {"type":"string","optional":true,"name":"io.debezium.data.Uuid","version":1,"field":"uid"},
        {"type":"bytes","optional":true,"field":"raw"}
        """;
    String after =
        """
        {"id":1,"t_millis":1529476623000,"t_micros":1529507596945104,
         "t_nanos":1529507596945104789,"t_zoned":"2018-06-20T15:37:03.5+02:00",
         "t_connect":1529476623123,"d_connect":17702,"d_debezium":-1,"price":"+iQ=",
         "price_numeric":7.25,"ratio":{"scale":4,"value":"MDk="},"doc":"{\\"a\\":[1,2]}",
         "uid":"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11","raw":"3q2+7w=="}""";
    DebeziumJsonDecoder readingsDecoder = new DebeziumJsonDecoder(readings);

    Change change =
        readingsDecoder.decode(
            null,
            bytes(
                compact(
                    wrapped(
                        envelopeSchema("readings", fields),
                        envelope("null", after, SOURCE, "c", TS)))));

    assertThat(change.row())
        .isEqualTo(
            new Row(
                1,
                micros("2018-06-20T06:37:03Z"),
                micros("2018-06-20T15:13:16.945104Z"),
                micros("2018-06-20T15:13:16.945104Z"),
                micros("2018-06-20T13:37:03.500Z"),
                micros("2018-06-20T06:37:03.123Z"),
                (int) LocalDate.of(2018, 6, 20).toEpochDay(),
                (int) LocalDate.of(1969, 12, 31).toEpochDay(),
                new BigDecimal("-1.500"),
                new BigDecimal("7.25"),
                new BigDecimal("1.23450"),
                "{\"a\":[1,2]}",
                "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
                ByteBuffer.wrap(new byte[] {(byte) 0xDE, (byte) 0xAD, (byte) 0xBE, (byte) 0xEF})));
  }

  @Test
  void interpretsValuesWithoutSchemaByColumnTypeAndSpecFormats() {
    Schema schema =
        new Schema(
            List.of(
                Field.required("id", Primitive.INT),
                Field.optional("micros_default", Primitive.TIMESTAMP),
                Field.optional("millis", Primitive.TIMESTAMP),
                Field.optional("zoned", Primitive.TIMESTAMP),
                Field.optional("local", Primitive.TIMESTAMP),
                Field.optional("as_number", new DataType.Decimal(10, 2)),
                Field.optional("as_string", new DataType.Decimal(10, 2)),
                Field.optional("as_base64", new DataType.Decimal(10, 2)),
                Field.optional("as_variable", new DataType.Decimal(10, 2)),
                Field.optional("day", Primitive.DATE),
                Field.optional("ratio", Primitive.DOUBLE)));
    // the spec parser lists every timestamp, also those left at the ISO-8601 default
    DebeziumJsonDecoder schemaless =
        new DebeziumJsonDecoder(
            new SchemaSpec(
                schema,
                Map.of(
                    "micros_default", TimestampFormat.ISO_8601,
                    "millis", TimestampFormat.EPOCH_MILLIS,
                    "zoned", TimestampFormat.ISO_8601)));
    String after =
        """
        {"id":1,"micros_default":1529507596945104,"millis":1529476623123,
         "zoned":"2018-06-20T08:37:03-05:00","local":"2018-06-20 13:37:03.25",
         "as_number":12.5,"as_string":"-0.75","as_base64":"BNI=",
         "as_variable":{"scale":1,"value":"ew=="},"day":"2018-06-20","ratio":"NaN"}""";

    Change change = schemaless.decode(null, bytes(envelope("null", after, SOURCE, "c", TS)));

    assertThat(change.row())
        .isEqualTo(
            new Row(
                1,
                micros("2018-06-20T15:13:16.945104Z"),
                micros("2018-06-20T06:37:03.123Z"),
                micros("2018-06-20T13:37:03Z"),
                micros("2018-06-20T13:37:03.250Z"),
                new BigDecimal("12.50"),
                new BigDecimal("-0.75"),
                new BigDecimal("12.34"),
                new BigDecimal("12.30"),
                (int) LocalDate.of(2018, 6, 20).toEpochDay(),
                Double.NaN));
  }

  @Test
  void reportsMembersThatAreNoColumnsAndLeavesMissingColumnsNull() {
    String after = SALLY.replace("\"qty\":3", "\"middle_name\":\"Q\"");
    Row expected = sally();
    expected.set(11, null);

    Change change = decode(envelope("null", after, SOURCE, "c", TS));

    assertThat(change.row()).isEqualTo(expected);
    assertThat(decoder.lastEvent().unmappedFields()).containsExactly("middle_name");
  }

  @Test
  void combinesMySqlBinlogFileAndPositionIntoOneComparablePosition() {
    String mysqlSource =
        """
        {"version":"2.7.3.Final","connector":"mysql","name":"mysql-server-1",
         "ts_ms":1465581029100,"snapshot":"false","db":"inventory","table":"orders",
         "server_id":223344,"gtid":null,"file":"mysql-bin.%s","pos":%d,"row":0,"thread":7,
         "query":null}""";

    long earlier =
        decode(envelope("null", SALLY, mysqlSource.formatted("000003", 4_000_000_000L), "c", TS))
            .position();
    long later =
        decode(envelope("null", SALLY, mysqlSource.formatted("000004", 4), "c", TS)).position();

    assertThat(earlier).isEqualTo(3L * (1L << 32) + 4_000_000_000L);
    assertThat(later).isEqualTo(4L * (1L << 32) + 4);
    assertThat(later).isGreaterThan(earlier);
  }

  @Test
  void givesPositionMinusOneWhenTheSourceHasNone() {
    String sqlServerSource =
        """
        {"version":"2.7.3.Final","connector":"sqlserver","name":"server1","ts_ms":1559729468470,
         "db":"testDB","schema":"dbo","table":"orders","change_lsn":"00000027:00000758:0003",
         "commit_lsn":"00000027:00000758:0005","event_serial_no":"1"}""";

    assertThat(decode(envelope("null", SALLY, sqlServerSource, "c", TS)).position()).isEqualTo(-1);
  }

  @Test
  void rejectsValuesThatDoNotFitTheirColumnNamingFieldAndValue() {
    assertThatThrownBy(
            () -> decode(envelope("null", SALLY.replace("1001", "\"x1\""), SOURCE, "c", TS)))
        .isInstanceOf(RecordException.class)
        .hasMessage("field id: expected an integer, found string \"x1\"");
    assertThatThrownBy(
            () ->
                decode(
                    envelope(
                        "null",
                        SALLY.replace("2018-06-20T13:37:03.123456Z", "yesterday"),
                        SOURCE,
                        "c",
                        TS)))
        .isInstanceOf(RecordException.class)
        .hasMessage("field updated_at: not an ISO-8601 timestamp: \"yesterday\"");
    assertThatThrownBy(
            () -> decode(envelope("null", SALLY.replace("AQID", "%%%"), SOURCE, "c", TS)))
        .isInstanceOf(RecordException.class)
        .hasMessage("field photo: not base64: \"%%%\"");
    assertThatThrownBy(
            () -> decode(envelope("null", SALLY.replace("\"BNI=\"", "1.234"), SOURCE, "c", TS)))
        .isInstanceOf(RecordException.class)
        .hasMessage("field amount: 1.234 has more than 2 decimal places");
    assertThatThrownBy(
            () ->
                decode(envelope("null", SALLY.replace("\"BNI=\"", "1e999999999"), SOURCE, "c", TS)))
        .isInstanceOf(RecordException.class)
        .hasMessage("field amount: 1E+999999999 does not fit decimal(10,2)");
    assertThatThrownBy(
            () -> decode(envelope("null", SALLY.replace("2.5", "{\"x\":1}"), SOURCE, "c", TS)))
        .isInstanceOf(RecordException.class)
        .hasMessage("field weight: expected a number, found an object");
    assertThatThrownBy(
            () ->
                decode(
                    withSchema(
                        envelope("null", SALLY.replace("\"BNI=\"", "\"12.34\""), SOURCE, "c", TS))))
        .isInstanceOf(RecordException.class)
        .hasMessage("field amount: not base64: \"12.34\"");
  }

  @Test
  void rejectsAnEmbeddedSchemaThatEncodesSomethingTheColumnCannotHold() {
    String timeOfDay =
        ORDERS_FIELDS.replace("io.debezium.time.MicroTimestamp", "io.debezium.time.MicroTime");
    String decimalAsCustomer =
        ORDERS_FIELDS.replace(
            "{\"type\":\"string\",\"optional\":true,\"field\":\"customer\"}",
            "{\"type\":\"bytes\",\"optional\":true,\"name\":\"org.apache.kafka.connect.data.Decimal\","
                + "\"parameters\":{\"scale\":\"0\"},\"field\":\"customer\"}");
    String payload = envelope("null", SALLY, SOURCE, "c", TS);

    assertThatThrownBy(() -> decode(compact(wrapped(envelopeSchema("orders", timeOfDay), payload))))
        .isInstanceOf(RecordException.class)
        .hasMessage(
            "field created_at: the event's schema declares int64 (io.debezium.time.MicroTime),"
                + " which cannot be read as timestamp; change the column's type in the spec");
    assertThatThrownBy(
            () -> decode(compact(wrapped(envelopeSchema("orders", decimalAsCustomer), payload))))
        .isInstanceOf(RecordException.class)
        .hasMessage(
            "field customer: the event's schema declares bytes"
                + " (org.apache.kafka.connect.data.Decimal), which cannot be read as string;"
                + " change the column's type in the spec");
  }

  @Test
  void rejectsAfterImagesWithAMissingRequiredValueOrAnUnavailableValue() {
    assertThatThrownBy(
            () -> decode(envelope("null", SALLY.replace("1001", "null"), SOURCE, "c", TS)))
        .isInstanceOf(RecordException.class)
        .hasMessage("field id: required but missing or null");
    assertThatThrownBy(
            () ->
                decode(
                    envelope(
                        "null",
                        SALLY.replace("{\\\"gift\\\":true}", "__debezium_unavailable_value"),
                        SOURCE,
                        "u",
                        TS)))
        .isInstanceOf(RecordException.class)
        .hasMessage(
            "field details: Debezium did not receive this column's value"
                + " (__debezium_unavailable_value), as for an unchanged TOASTed PostgreSQL column;"
                + " set REPLICA IDENTITY FULL on the source table so that updates carry every value");
  }

  @Test
  void rejectsMalformedMessagesWithAHelpfulMessage() {
    assertThatThrownBy(() -> decode("not json"))
        .isInstanceOf(RecordException.class)
        .hasMessageStartingWith("malformed JSON: Unrecognized token 'not'");
    assertThatThrownBy(() -> decode("[1,2]"))
        .isInstanceOf(RecordException.class)
        .hasMessage("expected a JSON object, found an array");
    assertThatThrownBy(() -> decode(envelope("null", SALLY, SOURCE, "x", TS)))
        .isInstanceOf(RecordException.class)
        .hasMessage("unknown op \"x\": expected c, u, d or r (or t or m, which change no row)");
    assertThatThrownBy(() -> decode(envelope("null", "null", SOURCE, "c", TS)))
        .isInstanceOf(RecordException.class)
        .hasMessage("event with op 'c' has no after image");
    assertThatThrownBy(() -> decode(envelope("null", "[1]", SOURCE, "c", TS)))
        .isInstanceOf(RecordException.class)
        .hasMessage("after: expected an object or null, found an array");
    assertThatThrownBy(() -> decode(envelope("null", SALLY, SOURCE, "c", TS) + " {}"))
        .isInstanceOf(RecordException.class)
        .hasMessage("unexpected content after the JSON object: an object");
    assertThatThrownBy(() -> decode("{\"schema\":null,\"payload\":5}"))
        .isInstanceOf(RecordException.class)
        .hasMessage("payload: expected an object, found number 5");
    assertThatThrownBy(() -> decode("{\"schema\":" + ORDERS_SCHEMA + "}"))
        .isInstanceOf(RecordException.class)
        .hasMessage("message with a schema but no payload");
    assertThatThrownBy(
            () -> decode(withSchema(envelope("null", SALLY, SOURCE, "c", TS)).substring(0, 3000)))
        .isInstanceOf(RecordException.class)
        .hasMessageStartingWith("malformed JSON: Unexpected end-of-input");
  }
}
