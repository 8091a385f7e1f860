package io.lakestream.cdc.debezium;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestream.core.record.DataType;
import io.lakestream.core.record.DataType.Primitive;
import io.lakestream.core.record.Field;
import io.lakestream.core.record.Schema;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * Debezium PostgreSQL connector events for a table {@code public.orders}, shaped like the examples
 * in Debezium's PostgreSQL connector documentation (envelope, source block, Connect schemas as
 * JsonConverter writes them).
 */
final class PostgresEvents {
  private static final ObjectMapper JSON = new ObjectMapper();

  private PostgresEvents() {}

  /** The table as a pipeline spec declares it. */
  static final Schema ORDERS =
      new Schema(
          List.of(
              Field.required("id", Primitive.INT),
              Field.optional("customer", Primitive.STRING),
              Field.optional("amount", new DataType.Decimal(10, 2)),
              Field.optional("created_at", Primitive.TIMESTAMP),
              Field.optional("updated_at", Primitive.TIMESTAMP),
              Field.optional("order_date", Primitive.DATE),
              Field.optional("details", Primitive.STRING),
              Field.optional("ref", Primitive.STRING),
              Field.optional("photo", Primitive.BINARY),
              Field.optional("active", Primitive.BOOLEAN),
              Field.optional("weight", Primitive.DOUBLE),
              Field.optional("qty", Primitive.LONG)));

  /**
   * The Connect schema fields of {@code orders} in PostgreSQL terms: integer, text, numeric(10,2),
   * timestamp, timestamptz, date, jsonb, uuid, bytea, boolean, double precision, bigint.
   */
  static final String ORDERS_FIELDS =
      """
      {"type":"int32","optional":false,"default":0,"field":"id"},
      {"type":"string","optional":true,"field":"customer"},
      {"type":"bytes","optional":true,"name":"org.apache.kafka.connect.data.Decimal","version":1,
       "parameters":{"scale":"2","connect.decimal.precision":"10"},"field":"amount"},
      {"type":"int64","optional":true,"name":"io.debezium.time.MicroTimestamp","version":1,
       "field":"created_at"},
      {"type":"string","optional":true,"name":"io.debezium.time.ZonedTimestamp","version":1,
       "field":"updated_at"},
      {"type":"int32","optional":true,"name":"io.debezium.time.Date","version":1,
       "field":"order_date"},
      {"type":"string","optional":true,"name":"io.debezium.data.Json","version":1,
       "field":"details"},
      {"type":"string","optional":true,"name":"io.debezium.data.Uuid","version":1,"field":"ref"},
      {"type":"bytes","optional":true,"field":"photo"},
      {"type":"boolean","optional":true,"field":"active"},
      {"type":"float64","optional":true,"field":"weight"},
      {"type":"int64","optional":true,"field":"qty"}
      """;

  /** The envelope schema of a table whose row has the given Connect fields. */
  static String envelopeSchema(String table, String rowFields) {
    String value =
        "{\"type\":\"struct\",\"fields\":["
            + rowFields
            + "],\"optional\":true,\"name\":\"dbserver1.public."
            + table
            + ".Value\",\"field\":\"%s\"}";
    return "{\"type\":\"struct\",\"fields\":["
        + value.formatted("before")
        + ","
        + value.formatted("after")
        + ","
        + SOURCE_SCHEMA
        + """
        ,{"type":"string","optional":false,"field":"op"},
        {"type":"int64","optional":true,"field":"ts_ms"},
        {"type":"struct","fields":[{"type":"string","optional":false,"field":"id"},
          {"type":"int64","optional":false,"field":"total_order"},
          {"type":"int64","optional":false,"field":"data_collection_order"}],
         "optional":true,"name":"event.block","version":1,"field":"transaction"}
        ],"optional":false,"name":"dbserver1.public."""
        + table
        + ".Envelope\",\"version\":1}";
  }

  private static final String SOURCE_SCHEMA =
      """
      {"type":"struct","fields":[
        {"type":"string","optional":false,"field":"version"},
        {"type":"string","optional":false,"field":"connector"},
        {"type":"string","optional":false,"field":"name"},
        {"type":"int64","optional":false,"field":"ts_ms"},
        {"type":"string","optional":true,"name":"io.debezium.data.Enum","version":1,
         "parameters":{"allowed":"true,last,false,incremental"},"default":"false",
         "field":"snapshot"},
        {"type":"string","optional":false,"field":"db"},
        {"type":"string","optional":true,"field":"sequence"},
        {"type":"string","optional":false,"field":"schema"},
        {"type":"string","optional":false,"field":"table"},
        {"type":"int64","optional":true,"field":"txId"},
        {"type":"int64","optional":true,"field":"lsn"},
        {"type":"int64","optional":true,"field":"xmin"}
      ],"optional":false,"name":"io.debezium.connector.postgresql.Source","field":"source"}
      """;

  /** A PostgreSQL {@code source} block. */
  static String source(String table, long lsn, long tsMs, String snapshot) {
    return """
        {"version":"2.7.3.Final","connector":"postgresql","name":"dbserver1","ts_ms":%d,
         "snapshot":"%s","db":"shop","sequence":"[\\"%d\\",\\"%d\\"]","schema":"public",
         "table":"%s","txId":767,"lsn":%d,"xmin":null}"""
        .formatted(tsMs, snapshot, lsn - 8, lsn, table, lsn);
  }

  /** An envelope payload. */
  static String envelope(String before, String after, String source, String op, long tsMs) {
    return """
        {"before":%s,"after":%s,"source":%s,"op":"%s","ts_ms":%d,"transaction":null}"""
        .formatted(before, after, source, op, tsMs);
  }

  /** JsonConverter's output with {@code schemas.enable=true}. */
  static String wrapped(String schema, String payload) {
    return "{\"schema\":" + schema + ",\"payload\":" + payload + "}";
  }

  /** The JSON without insignificant whitespace, as JsonConverter writes it. */
  static String compact(String json) {
    try {
      return JSON.writeValueAsString(JSON.readTree(json));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Microseconds since the epoch of an ISO-8601 instant, computed with java.time. */
  static long micros(String instant) {
    Instant i = Instant.parse(instant);
    return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000L), i.getNano() / 1000);
  }
}
