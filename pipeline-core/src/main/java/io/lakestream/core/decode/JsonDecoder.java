package io.lakestream.core.decode;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.io.SerializedString;
import io.lakestream.core.error.RecordException;
import io.lakestream.core.record.DataType;
import io.lakestream.core.record.Field;
import io.lakestream.core.record.Row;
import io.lakestream.core.record.Schema;
import io.lakestream.core.spec.SchemaSpec;
import io.lakestream.core.spec.SchemaSpec.TimestampFormat;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
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
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
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

  private final StructReader root;

  public JsonDecoder(SchemaSpec spec) {
    this.root = new StructReader(spec.schema(), "", spec.timestampFormats());
  }

  @Override
  public Row decode(byte[] value) {
    try (JsonParser p = JSON.createParser(value)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new RecordException("expected a JSON object, found " + describe(p));
      }
      Row row = root.read(p);
      if (p.nextToken() != null) {
        throw new RecordException("unexpected content after the JSON object: " + describe(p));
      }
      return row;
    } catch (IOException e) {
      throw new RecordException("malformed JSON: " + firstLine(e.getMessage()));
    }
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable input";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }

  private static String describe(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    if (t == null) {
      return "end of input";
    }
    return switch (t) {
      case VALUE_STRING -> "string \"" + abbreviate(p.getText()) + "\"";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number " + p.getText();
      case VALUE_TRUE, VALUE_FALSE -> "boolean " + p.getText();
      case START_OBJECT -> "an object";
      case START_ARRAY -> "an array";
      default -> t.asString() == null ? t.name() : t.asString();
    };
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }

  /** Reads one JSON value of one declared type. */
  private interface ValueReader {
    Object read(JsonParser p) throws IOException;
  }

  private static ValueReader readerFor(
      DataType type, String path, Map<String, TimestampFormat> formats) {
    if (type instanceof DataType.Primitive prim) {
      return switch (prim) {
        case BOOLEAN -> p -> readBoolean(p, path);
        case INT -> p -> Math.toIntExact(readLong(p, path));
        case LONG -> p -> readLong(p, path);
        case FLOAT -> p -> (float) readDouble(p, path);
        case DOUBLE -> p -> readDouble(p, path);
        case STRING -> p -> readString(p, path);
        case BINARY -> p -> ByteBuffer.wrap(Base64.getDecoder().decode(readString(p, path)));
        case DATE -> p -> (int) LocalDate.parse(readString(p, path)).toEpochDay();
        case TIMESTAMP ->
            timestampReader(path, formats.getOrDefault(path, TimestampFormat.ISO_8601));
      };
    }
    if (type instanceof DataType.Decimal dec) {
      return p -> readDecimal(p, path, dec);
    }
    if (type instanceof DataType.Struct struct) {
      StructReader nested = new StructReader(struct.schema(), path + ".", formats);
      return p -> {
        expect(p, JsonToken.START_OBJECT, path, "an object");
        return nested.read(p);
      };
    }
    DataType.ListOf list = (DataType.ListOf) type;
    ValueReader element = readerFor(list.element(), path, formats);
    return p -> {
      expect(p, JsonToken.START_ARRAY, path, "an array");
      List<Object> values = new ArrayList<>();
      while (p.nextToken() != JsonToken.END_ARRAY) {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
          if (list.elementRequired()) {
            throw new RecordException(
                "field " + path + ": null element in a list of required values");
          }
          values.add(null);
        } else {
          values.add(element.read(p));
        }
      }
      return values;
    };
  }

  private static void expect(JsonParser p, JsonToken token, String path, String what)
      throws IOException {
    if (p.currentToken() != token) {
      throw new RecordException("field " + path + ": expected " + what + ", found " + describe(p));
    }
  }

  private static boolean readBoolean(JsonParser p, String path) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE) {
      return t == JsonToken.VALUE_TRUE;
    }
    throw new RecordException("field " + path + ": expected a boolean, found " + describe(p));
  }

  private static long readLong(JsonParser p, String path) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_NUMBER_INT) {
      try {
        return p.getLongValue();
      } catch (InputCoercionException e) {
        throw new RecordException("field " + path + ": number out of range: " + p.getText());
      }
    }
    throw new RecordException("field " + path + ": expected an integer, found " + describe(p));
  }

  private static double readDouble(JsonParser p, String path) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NUMBER_FLOAT || t == JsonToken.VALUE_NUMBER_INT) {
      return p.getDoubleValue();
    }
    throw new RecordException("field " + path + ": expected a number, found " + describe(p));
  }

  private static String readString(JsonParser p, String path) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_STRING) {
      return p.getText();
    }
    throw new RecordException("field " + path + ": expected a string, found " + describe(p));
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
        throw new RecordException("field " + path + ": not a decimal number: " + describe(p));
      }
    } else {
      throw new RecordException("field " + path + ": expected a decimal, found " + describe(p));
    }
    BigDecimal scaled;
    try {
      scaled = value.setScale(type.scale(), RoundingMode.UNNECESSARY);
    } catch (ArithmeticException e) {
      throw new RecordException(
          "field " + path + ": " + value + " has more than " + type.scale() + " decimal places");
    }
    if (scaled.precision() > type.precision()) {
      throw new RecordException("field " + path + ": " + value + " does not fit " + type.name());
    }
    return scaled;
  }

  private static ValueReader timestampReader(String path, TimestampFormat format) {
    return switch (format) {
      case EPOCH_SECONDS -> p -> Math.multiplyExact(readLong(p, path), 1_000_000L);
      case EPOCH_MILLIS -> p -> Math.multiplyExact(readLong(p, path), 1_000L);
      case EPOCH_MICROS -> p -> readLong(p, path);
      case ISO_8601 -> p -> parseIso(readString(p, path), path);
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
          "field " + path + ": not an ISO-8601 timestamp: \"" + abbreviate(text) + "\"");
    }
  }

  /**
   * Reads a JSON object into a row of one schema; the parser stands on its START_OBJECT. Fields are
   * expected in declared order first (a byte comparison of the name, no string is made); a field
   * out of order is looked up by name.
   */
  private static final class StructReader {
    private final Schema schema;
    private final Map<String, Integer> positions = new HashMap<>();
    private final SerializedString[] names;
    private final ValueReader[] readers;
    private final String[] paths;
    private final int[] required;

    StructReader(Schema schema, String prefix, Map<String, TimestampFormat> formats) {
      this.schema = schema;
      this.readers = new ValueReader[schema.size()];
      this.paths = new String[schema.size()];
      this.names = new SerializedString[schema.size()];
      int requiredCount = 0;
      for (int i = 0; i < schema.size(); i++) {
        Field f = schema.field(i);
        positions.put(f.name(), i);
        names[i] = new SerializedString(f.name());
        paths[i] = prefix + f.name();
        readers[i] = readerFor(f.type(), paths[i], formats);
        if (f.required()) {
          requiredCount++;
        }
      }
      this.required = new int[requiredCount];
      for (int i = 0, r = 0; i < schema.size(); i++) {
        if (schema.field(i).required()) {
          required[r++] = i;
        }
      }
    }

    Row read(JsonParser p) throws IOException {
      Row row = new Row(schema.size());
      int expected = 0;
      while (true) {
        Integer pos;
        if (expected < names.length ? p.nextFieldName(names[expected]) : false) {
          pos = expected;
        } else if ((expected < names.length ? p.currentToken() : p.nextToken())
            == JsonToken.FIELD_NAME) {
          pos = positions.get(p.currentName());
        } else {
          break;
        }
        expected = pos == null ? expected : pos + 1;
        JsonToken value = p.nextToken();
        if (pos == null) {
          p.skipChildren();
        } else if (value != JsonToken.VALUE_NULL) {
          try {
            row.set(pos, readers[pos].read(p));
          } catch (ArithmeticException | IllegalArgumentException e) {
            throw new RecordException("field " + paths[pos] + ": " + e.getMessage());
          }
        }
      }
      for (int pos : required) {
        if (row.get(pos) == null) {
          throw new RecordException("field " + paths[pos] + ": required but missing or null");
        }
      }
      return row;
    }
  }
}
