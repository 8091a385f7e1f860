package io.lakestream.core.decode;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.lakestream.core.error.RecordException;
import io.lakestream.core.record.DataType;
import io.lakestream.core.record.Row;
import io.lakestream.core.record.Schema;
import io.lakestream.core.spec.SchemaSpec;
import io.lakestream.core.spec.SchemaSpec.TimestampFormat;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.Map;

/**
 * Decodes JSON objects into rows of a declared schema with a streaming parser: no intermediate
 * tree, one pass. Fields not in the schema are skipped; a declared field that is absent or {@code
 * null} is null, unless it is required.
 *
 * <p>Conversions: integers for {@code int}/{@code long}; any number for {@code float}/{@code
 * double}; numbers or numeric strings for decimals, which must fit the declared scale without
 * rounding; timestamps as ISO-8601 strings (an offset or {@code Z}; without one, UTC) or epoch
 * numbers, as the field's format says; dates as {@code yyyy-MM-dd}; binary as base64.
 */
public final class JsonDecoder implements RecordDecoder {
  private static final JsonFactory JSON =
      JsonFactory.builder().enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER).build();

  private final JsonRowReader root;

  public JsonDecoder(SchemaSpec spec) {
    this.root = rowReader(spec.schema(), "", spec.timestampFormats());
  }

  @Override
  public Row decode(byte[] value) {
    try (JsonParser p = JSON.createParser(value)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new RecordException("expected a JSON object, found " + JsonValues.describe(p));
      }
      Row row = root.read(p);
      root.checkRequired(row);
      if (p.nextToken() != null) {
        throw new RecordException(
            "unexpected content after the JSON object: " + JsonValues.describe(p));
      }
      return row;
    } catch (IOException e) {
      throw JsonValues.malformed("malformed JSON", e);
    }
  }

  private static JsonRowReader rowReader(
      Schema schema, String path, Map<String, TimestampFormat> formats) {
    return new JsonRowReader(
        schema, path, (f, fieldPath) -> readerFor(f.type(), fieldPath, formats));
  }

  private static JsonValueReader readerFor(
      DataType type, String path, Map<String, TimestampFormat> formats) {
    if (type instanceof DataType.Primitive prim) {
      return switch (prim) {
        case BOOLEAN -> p -> JsonValues.readBoolean(p, path);
        case INT -> p -> JsonValues.readInt(p, path);
        case LONG -> p -> JsonValues.readLong(p, path);
        case FLOAT -> p -> (float) JsonValues.readDouble(p, path);
        case DOUBLE -> p -> JsonValues.readDouble(p, path);
        case STRING -> p -> JsonValues.readString(p, path);
        case BINARY -> p -> ByteBuffer.wrap(JsonValues.readBase64(p, path));
        case DATE -> p -> readDate(p, path);
        case TIMESTAMP ->
            timestampReader(path, formats.getOrDefault(path, TimestampFormat.ISO_8601));
      };
    }
    if (type instanceof DataType.Decimal dec) {
      return p -> readDecimal(p, path, dec);
    }
    if (type instanceof DataType.Struct struct) {
      return rowReader(struct.schema(), path, formats).asStruct();
    }
    DataType.ListOf list = (DataType.ListOf) type;
    return JsonValues.list(list, readerFor(list.element(), path, formats), path);
  }

  private static BigDecimal readDecimal(JsonParser p, String path, DataType.Decimal type)
      throws IOException {
    BigDecimal value;
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NUMBER_FLOAT || t == JsonToken.VALUE_NUMBER_INT) {
      value = p.getDecimalValue();
    } else if (t == JsonToken.VALUE_STRING) {
      try {
        value = new BigDecimal(p.getText());
      } catch (NumberFormatException e) {
        throw new RecordException(
            "field " + path + ": not a decimal number: " + JsonValues.describe(p));
      }
    } else {
      throw JsonValues.mismatch(p, path, "a decimal");
    }
    return Decimals.fit(value, type, path);
  }

  private static int readDate(JsonParser p, String path) throws IOException {
    String text = JsonValues.readString(p, path);
    try {
      return (int) LocalDate.parse(text).toEpochDay();
    } catch (DateTimeException e) {
      throw new RecordException(
          "field " + path + ": not an ISO-8601 date: \"" + JsonValues.abbreviate(text) + "\"");
    }
  }

  private static JsonValueReader timestampReader(String path, TimestampFormat format) {
    return switch (format) {
      case EPOCH_SECONDS -> p -> Math.multiplyExact(JsonValues.readLong(p, path), 1_000_000L);
      case EPOCH_MILLIS -> p -> Math.multiplyExact(JsonValues.readLong(p, path), 1_000L);
      case EPOCH_MICROS -> p -> JsonValues.readLong(p, path);
      case ISO_8601 -> p -> parseIso(JsonValues.readString(p, path), path);
    };
  }

  private static long parseIso(String text, String path) {
    try {
      TemporalAccessor t =
          DateTimeFormatter.ISO_DATE_TIME.parseBest(
              text, OffsetDateTime::from, LocalDateTime::from);
      Instant instant =
          t instanceof OffsetDateTime odt
              ? odt.toInstant()
              : ((LocalDateTime) t).toInstant(ZoneOffset.UTC);
      return Math.addExact(
          Math.multiplyExact(instant.getEpochSecond(), 1_000_000L),
          instant.get(ChronoField.MICRO_OF_SECOND));
    } catch (DateTimeException | ArithmeticException e) {
      throw new RecordException(
          "field " + path + ": not an ISO-8601 timestamp: \"" + JsonValues.abbreviate(text) + "\"");
    }
  }
}
