package io.lakestream.core.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.core.error.RecordException;
import io.lakestream.core.record.DataType;
import io.lakestream.core.record.DataType.Primitive;
import io.lakestream.core.record.Field;
import io.lakestream.core.record.Row;
import io.lakestream.core.record.Schema;
import io.lakestream.core.spec.SchemaSpec;
import io.lakestream.core.spec.SchemaSpec.TimestampFormat;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonDecoderTest {
  private static final Schema CUSTOMER =
      new Schema(
          List.of(
              Field.required("id", Primitive.LONG), Field.optional("since", Primitive.TIMESTAMP)));

  private static final Schema SCHEMA =
      new Schema(
          List.of(
              Field.required("event_id", Primitive.LONG),
              Field.optional("event_time", Primitive.TIMESTAMP),
              Field.optional("created", Primitive.TIMESTAMP),
              Field.optional("amount", new DataType.Decimal(10, 2)),
              Field.optional("price", Primitive.DOUBLE),
              Field.optional("qty", Primitive.INT),
              Field.optional("ok", Primitive.BOOLEAN),
              Field.optional("day", Primitive.DATE),
              Field.optional("blob", Primitive.BINARY),
              Field.optional("customer", new DataType.Struct(CUSTOMER)),
              Field.optional("tags", new DataType.ListOf(Primitive.STRING, false))));

  private final JsonDecoder decoder =
      new JsonDecoder(
          new SchemaSpec(
              SCHEMA,
              Map.of(
                  "event_time", TimestampFormat.EPOCH_MILLIS,
                  "customer.since", TimestampFormat.EPOCH_SECONDS)));

  private Row decode(String json) {
    return decoder.decode(json.getBytes(StandardCharsets.UTF_8));
  }

  private static long micros(String iso) {
    Instant i = Instant.parse(iso);
    return i.getEpochSecond() * 1_000_000L + i.getNano() / 1000;
  }

  @Test
  void decodesEveryTypeIntoItsRowRepresentation() {
    Row row =
        decode(
            "{\"event_id\":7,\"event_time\":1764000000123,\"created\":\"2026-11-24T10:15:30.5+01:00\","
                + "\"amount\":12.5,\"price\":3,\"qty\":4,\"ok\":true,\"day\":\"2026-11-24\","
                + "\"blob\":\"AQI=\",\"customer\":{\"id\":9,\"since\":1700000000},"
                + "\"tags\":[\"a\",null,\"b\"],\"ignored\":{\"deep\":[1,2]}}");

    assertThat(row.get(0)).isEqualTo(7L);
    assertThat(row.get(1)).isEqualTo(1_764_000_000_123_000L);
    assertThat(row.get(2)).isEqualTo(micros("2026-11-24T09:15:30.500Z"));
    assertThat(row.get(3)).isEqualTo(new BigDecimal("12.50"));
    assertThat(row.get(4)).isEqualTo(3.0);
    assertThat(row.get(5)).isEqualTo(4);
    assertThat(row.get(6)).isEqualTo(true);
    assertThat(row.get(7)).isEqualTo((int) LocalDate.of(2026, 11, 24).toEpochDay());
    assertThat(row.get(8)).isEqualTo(ByteBuffer.wrap(new byte[] {1, 2}));
    assertThat(row.get(9)).isEqualTo(new Row(9L, 1_700_000_000_000_000L));
    assertThat(row.get(10)).isEqualTo(java.util.Arrays.asList("a", null, "b"));
  }

  @Test
  void absentAndNullOptionalFieldsAreNull() {
    Row row = decode("{\"event_id\":1,\"amount\":null}");

    assertThat(row.get(0)).isEqualTo(1L);
    for (int i = 1; i < row.size(); i++) {
      assertThat(row.get(i)).isNull();
    }
  }

  @Test
  void fieldsMayComeInAnyOrderWithUnknownOnesAnywhere() {
    Row row =
        decode(
            "{\"x\":[1,{\"y\":2}],\"qty\":4,\"event_id\":9,\"tags\":[\"t\"],\"ok\":false,"
                + "\"customer\":{\"z\":1,\"id\":3},\"trailing\":{\"deep\":true}}");

    assertThat(row.get(0)).isEqualTo(9L);
    assertThat(row.get(5)).isEqualTo(4);
    assertThat(row.get(6)).isEqualTo(false);
    assertThat(row.get(9)).isEqualTo(new Row(3L, null));
    assertThat(row.get(10)).isEqualTo(List.of("t"));
  }

  @Test
  void isoTimestampWithoutOffsetIsUtc() {
    assertThat(decode("{\"event_id\":1,\"created\":\"2026-01-02T03:04:05\"}").get(2))
        .isEqualTo(micros("2026-01-02T03:04:05Z"));
  }

  @Test
  void namesTheFieldAndValueOfEachMistake() {
    assertThatThrownBy(() -> decode("{\"amount\":1}"))
        .isInstanceOf(RecordException.class)
        .hasMessage("field event_id: required but missing or null");
    assertThatThrownBy(() -> decode("{\"event_id\":\"x\"}"))
        .hasMessage("field event_id: expected an integer, found string \"x\"");
    assertThatThrownBy(() -> decode("{\"event_id\":1,\"amount\":1.234}"))
        .hasMessage("field amount: 1.234 has more than 2 decimal places");
    assertThatThrownBy(() -> decode("{\"event_id\":1,\"created\":\"yesterday\"}"))
        .hasMessage("field created: not an ISO-8601 timestamp: \"yesterday\"");
    assertThatThrownBy(() -> decode("{\"event_id\":1,\"customer\":{\"since\":1}}"))
        .hasMessage("field customer.id: required but missing or null");
    assertThatThrownBy(() -> decode("{\"event_id\":1,\"qty\":3000000000}"))
        .hasMessage("field qty: number out of range for int: 3000000000");
  }

  @Test
  void malformedJsonIsARecordError() {
    assertThatThrownBy(() -> decode("{\"event_id\":1,"))
        .isInstanceOf(RecordException.class)
        .hasMessageStartingWith("malformed JSON: ");
    assertThatThrownBy(() -> decode("[1,2]")).hasMessage("expected a JSON object, found an array");
    assertThatThrownBy(() -> decode("{\"event_id\":1} {}"))
        .hasMessage("unexpected content after the JSON object: an object");
  }
}
