package io.lakestream.core.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bad-input corpus (issue 9) through the JSON decoder: every bad value is a {@link
 * RecordException} whose message says what is wrong, never another exception (no {@link
 * StackOverflowError}, no parser or {@code java.time} exception), and the decoder reads the valid
 * record after it as if nothing had happened.
 */
class JsonDecoderBadInputTest {
  private static final Schema CUSTOMER =
      new Schema(
          List.of(Field.required("id", Primitive.LONG), Field.optional("name", Primitive.STRING)));

  private static final Schema SCHEMA =
      new Schema(
          List.of(
              Field.required("event_id", Primitive.LONG),
              Field.optional("qty", Primitive.INT),
              Field.optional("price", Primitive.DOUBLE),
              Field.optional("amount", new DataType.Decimal(10, 2)),
              Field.optional("ok", Primitive.BOOLEAN),
              Field.optional("category", Primitive.STRING),
              Field.optional("event_time", Primitive.TIMESTAMP),
              Field.optional("created", Primitive.TIMESTAMP),
              Field.optional("day", Primitive.DATE),
              Field.optional("blob", Primitive.BINARY),
              Field.optional("customer", new DataType.Struct(CUSTOMER)),
              Field.optional("tags", new DataType.ListOf(Primitive.STRING, false)),
              Field.optional("scores", new DataType.ListOf(Primitive.LONG, true))));

  private static final String VALID =
      "{\"event_id\":7,\"qty\":3,\"price\":2.5,\"amount\":12.34,\"ok\":true,\"category\":\"books\","
          + "\"event_time\":1764000000123,\"created\":\"2026-11-24T10:15:30Z\",\"day\":\"2026-11-24\","
          + "\"blob\":\"AQI=\",\"customer\":{\"id\":9,\"name\":\"ann\",\"extra\":[1]},"
          + "\"tags\":[\"a\",null],\"scores\":[1,2],\"unknown\":{\"deep\":[true]}}";

  private static final Row VALID_ROW =
      new Row(
          7L,
          3,
          2.5,
          new BigDecimal("12.34"),
          true,
          "books",
          1_764_000_000_123_000L,
          Instant.parse("2026-11-24T10:15:30Z").getEpochSecond() * 1_000_000L,
          (int) LocalDate.of(2026, 11, 24).toEpochDay(),
          ByteBuffer.wrap(new byte[] {1, 2}),
          new Row(9L, "ann"),
          Arrays.asList("a", null),
          List.of(1L, 2L));

  private static final int DEPTH = 10_000;
  private static final int FIVE_MB = 5 << 20;

  private final JsonDecoder decoder =
      new JsonDecoder(new SchemaSpec(SCHEMA, Map.of("event_time", TimestampFormat.EPOCH_MILLIS)));

  /** One bad value and the message it must fail with (a prefix where the parser words it). */
  record Bad(String name, byte[] value, String message, boolean messageIsPrefix) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static Bad bad(String name, String json, String message) {
    return new Bad(name, utf8(json), message, false);
  }

  private static Bad bad(String name, byte[] value, String message) {
    return new Bad(name, value, message, false);
  }

  private static Bad badPrefix(String name, String json, String messagePrefix) {
    return new Bad(name, utf8(json), messagePrefix, true);
  }

  private static Bad badPrefix(String name, byte[] value, String messagePrefix) {
    return new Bad(name, value, messagePrefix, true);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** {@code json} with the bytes of the first {@code marker} replaced by {@code bytes}. */
  private static byte[] withBytes(String json, String marker, int... bytes) {
    byte[] b = utf8(json);
    int at = json.indexOf(marker);
    for (int i = 0; i < bytes.length; i++) {
      b[at + i] = (byte) bytes[i];
    }
    return b;
  }

  static Stream<Bad> corpus() {
    String depthMessage = "malformed JSON: Document nesting depth (1001) exceeds the maximum";
    String deepArrays = "[".repeat(DEPTH) + "]".repeat(DEPTH);
    String deepObjects = "{\"a\":".repeat(DEPTH) + "1" + "}".repeat(DEPTH);
    String fiveMb = "x".repeat(FIVE_MB);
    return Stream.of(
        // malformed JSON
        badPrefix("cut short", "{\"event_id\":1,\"amount\":", "malformed JSON: Unexpected end"),
        badPrefix("string cut short", "{\"event_id\":1,\"category\":\"bo", "malformed JSON: "),
        badPrefix("not JSON", "event 1", "malformed JSON: Unrecognized token 'event'"),
        badPrefix("missing comma", "{\"event_id\":1 \"qty\":2}", "malformed JSON: Unexpected"),
        badPrefix("NaN literal", "{\"event_id\":1,\"price\":NaN}", "malformed JSON: Non-standard"),
        bad(
            "two objects",
            "{\"event_id\":1} {\"event_id\":2}",
            "unexpected content after the JSON object: an object"),
        // wrong types
        bad(
            "string where a long is declared",
            "{\"event_id\":\"12\"}",
            "field event_id: expected an integer, found string \"12\""),
        bad(
            "fraction where a long is declared",
            "{\"event_id\":1.5}",
            "field event_id: expected an integer, found number 1.5"),
        bad(
            "object where a string is declared",
            "{\"event_id\":1,\"category\":{\"name\":\"books\"}}",
            "field category: expected a string, found an object"),
        bad(
            "array where a number is declared",
            "{\"event_id\":1,\"price\":[1.5]}",
            "field price: expected a number, found an array"),
        bad(
            "string where a boolean is declared",
            "{\"event_id\":1,\"ok\":\"yes\"}",
            "field ok: expected a boolean, found string \"yes\""),
        bad(
            "boolean where a decimal is declared",
            "{\"event_id\":1,\"amount\":true}",
            "field amount: expected a decimal, found boolean true"),
        bad(
            "number where a struct is declared",
            "{\"event_id\":1,\"customer\":5}",
            "field customer: expected an object, found number 5"),
        bad(
            "object where a list is declared",
            "{\"event_id\":1,\"tags\":{}}",
            "field tags: expected an array, found an object"),
        bad(
            "wrong type in a list",
            "{\"event_id\":1,\"tags\":[\"a\",2]}",
            "field tags: expected a string, found number 2"),
        bad(
            "wrong type in a nested struct",
            "{\"event_id\":1,\"customer\":{\"id\":\"9\"}}",
            "field customer.id: expected an integer, found string \"9\""),
        bad(
            "string where an epoch timestamp is declared",
            "{\"event_id\":1,\"event_time\":\"yesterday\"}",
            "field event_time: expected an integer, found string \"yesterday\""),
        bad(
            "not an ISO-8601 timestamp",
            "{\"event_id\":1,\"created\":\"yesterday\"}",
            "field created: not an ISO-8601 timestamp: \"yesterday\""),
        bad(
            "not a date",
            "{\"event_id\":1,\"day\":\"2026-13-45\"}",
            "field day: not an ISO-8601 date: \"2026-13-45\""),
        bad("not base64", "{\"event_id\":1,\"blob\":\"%%%\"}", "field blob: not base64: \"%%%\""),
        bad(
            "decimal with too many places",
            "{\"event_id\":1,\"amount\":12.345}",
            "field amount: 12.345 has more than 2 decimal places"),
        // null or missing where a value is required
        bad(
            "null for a required field",
            "{\"event_id\":null}",
            "field event_id: required but missing or null"),
        bad(
            "required field missing",
            "{\"qty\":1}",
            "field event_id: required but missing or null"),
        bad(
            "null for a required nested field",
            "{\"event_id\":1,\"customer\":{\"id\":null}}",
            "field customer.id: required but missing or null"),
        bad(
            "null in a list of required values",
            "{\"event_id\":1,\"scores\":[1,null]}",
            "field scores: null element in a list of required values"),
        // a 5 MB record: the message quotes 60 characters of it
        bad(
            "5 MB string where a long is declared",
            "{\"event_id\":\"" + fiveMb + "\"}",
            "field event_id: expected an integer, found string \"" + "x".repeat(60) + "...\""),
        bad(
            "5 MB record with a wrong type after the big value",
            "{\"event_id\":1,\"category\":\"" + fiveMb + "\",\"qty\":\"2\"}",
            "field qty: expected an integer, found string \"2\""),
        // invalid UTF-8
        badPrefix(
            "invalid UTF-8 in a declared string",
            withBytes("{\"event_id\":1,\"category\":\"bo@@ks\"}", "@@", 0xC3, 0x28),
            "malformed JSON: Invalid UTF-8 middle byte 0x28"),
        badPrefix(
            "invalid UTF-8 in a member that is no column",
            withBytes("{\"event_id\":1,\"other\":\"@\"}", "@", 0xFF),
            "malformed JSON: Invalid UTF-8 start byte 0xff"),
        badPrefix(
            "invalid UTF-8 in a member name",
            withBytes("{\"event_id\":1,\"@@\":1}", "@@", 0xC3, 0x28),
            "malformed JSON: Invalid UTF-8"),
        badPrefix(
            "a lone continuation byte first",
            withBytes("@{\"event_id\":1}", "@", 0x80),
            "malformed JSON: "),
        // numbers out of range
        bad(
            "a long that overflows",
            "{\"event_id\":9223372036854775808}",
            "field event_id: number out of range for long: 9223372036854775808"),
        bad(
            "a long that overflows downwards",
            "{\"event_id\":-9223372036854775809}",
            "field event_id: number out of range for long: -9223372036854775809"),
        bad(
            "an int that overflows",
            "{\"event_id\":1,\"qty\":2147483648}",
            "field qty: number out of range for int: 2147483648"),
        bad(
            "epoch millis beyond the microsecond range",
            "{\"event_id\":1,\"event_time\":9223372036854775807}",
            "field event_time: long overflow"),
        badPrefix(
            "a number of 2,000 digits",
            "{\"event_id\":1" + "0".repeat(2000) + "}",
            "malformed JSON: Number value length (2001) exceeds the maximum allowed (1000"),
        bad(
            "a decimal with a huge exponent",
            "{\"event_id\":1,\"amount\":1e999999999}",
            "field amount: 1E+999999999 does not fit decimal(10,2)"),
        bad(
            "a decimal with a huge negative exponent",
            "{\"event_id\":1,\"amount\":1e-999999999}",
            "field amount: 1E-999999999 has more than 2 decimal places"),
        bad(
            "a decimal string with a huge exponent",
            "{\"event_id\":1,\"amount\":\"-4.5e999999999\"}",
            "field amount: -4.5E+999999999 does not fit decimal(10,2)"),
        badPrefix(
            "a decimal whose exponent is beyond an int",
            "{\"event_id\":1,\"amount\":1e99999999999}",
            "field amount: "),
        bad(
            "a decimal string whose exponent is beyond an int",
            "{\"event_id\":1,\"amount\":\"1e99999999999\"}",
            "field amount: not a decimal number: string \"1e99999999999\""),
        // 10,000-deep nesting
        bad("10,000 nested arrays", deepArrays, "expected a JSON object, found an array"),
        bad("10,000 unclosed arrays", "[".repeat(DEPTH), "expected a JSON object, found an array"),
        badPrefix("10,000 nested objects", deepObjects, depthMessage),
        badPrefix("10,000 unclosed objects", "{\"a\":".repeat(DEPTH), depthMessage),
        badPrefix(
            "10,000 nested arrays in a member that is no column",
            "{\"event_id\":1,\"other\":" + deepArrays + "}",
            depthMessage),
        bad(
            "10,000 nested arrays in a list column",
            "{\"event_id\":1,\"tags\":" + deepArrays + "}",
            "field tags: expected a string, found an array"),
        badPrefix(
            "10,000 nested objects in a struct column",
            "{\"event_id\":1,\"customer\":" + deepObjects + "}",
            depthMessage),
        // no object at all
        bad("an empty value", new byte[0], "expected a JSON object, found end of input"),
        bad("only whitespace", " \n\t ", "expected a JSON object, found end of input"),
        bad("JSON null", "null", "expected a JSON object, found null"),
        bad("a bare string", "\"event\"", "expected a JSON object, found string \"event\""));
  }

  // a guard against a hang, not a timing assertion: a huge exponent once took hours to reject
  @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void rejectsTheBadValueAndReadsTheNextValidOne(Bad bad) {
    Throwable thrown = catchThrowable(() -> decoder.decode(bad.value()));

    assertThat(thrown).isExactlyInstanceOf(RecordException.class);
    if (bad.messageIsPrefix()) {
      assertThat(thrown.getMessage()).startsWith(bad.message());
    } else {
      assertThat(thrown).hasMessage(bad.message());
    }
    assertThat(thrown.getMessage()).hasSizeLessThan(300);
    assertThat(decoder.decode(utf8(VALID))).isEqualTo(VALID_ROW);
  }

  @Test
  void everyCutOfAValidRecordIsARecordError() {
    byte[] valid = utf8(VALID);
    List<Integer> notRecordErrors = new ArrayList<>();
    for (int length = 0; length < valid.length; length++) {
      byte[] cut = Arrays.copyOf(valid, length);
      Throwable thrown = catchThrowable(() -> decoder.decode(cut));
      if (!(thrown instanceof RecordException)) {
        notRecordErrors.add(length);
      }
    }

    assertThat(notRecordErrors).isEmpty();
  }

  @Test
  void everyByteOfAValidRecordReplacedDecodesOrIsARecordError() {
    byte[] valid = utf8(VALID);
    byte[] replacements = utf8("\0\"{}[]:,\\-.e9 n");
    List<String> escaped = new ArrayList<>();
    for (int at = 0; at < valid.length; at++) {
      for (byte b : replacements) {
        byte[] value = valid.clone();
        value[at] = b;
        Throwable thrown = catchThrowable(() -> decoder.decode(value));
        if (thrown != null && !(thrown instanceof RecordException)) {
          escaped.add(at + "=" + (char) b + ": " + thrown);
        }
      }
      for (int b : new int[] {0x80, 0xC3, 0xFF}) {
        byte[] value = valid.clone();
        value[at] = (byte) b;
        Throwable thrown = catchThrowable(() -> decoder.decode(value));
        if (thrown != null && !(thrown instanceof RecordException)) {
          escaped.add(at + "=0x" + Integer.toHexString(b) + ": " + thrown);
        }
      }
    }

    assertThat(escaped).isEmpty();
  }
}
