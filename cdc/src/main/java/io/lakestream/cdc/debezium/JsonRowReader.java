package io.lakestream.cdc.debezium;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.JsonNode;
import io.lakestream.core.error.RecordException;
import io.lakestream.core.record.DataType;
import io.lakestream.core.record.Field;
import io.lakestream.core.record.Row;
import io.lakestream.core.record.Schema;
import io.lakestream.core.spec.SchemaSpec.TimestampFormat;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.DateTimeException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one JSON object (a Debezium {@code before}/{@code after} image, a record key, a nested
 * struct) into a row of a declared schema, with a streaming parser.
 *
 * <p>Built either with the Kafka Connect schema JsonConverter embedded for the object, whose
 * semantic type names decide how values are encoded, or without one, when the JSON value's own
 * shape and the spec's timestamp formats decide. In both cases a column the object does not have is
 * null and a member the schema does not declare is skipped (and named in {@link #unmapped()}).
 */
final class JsonRowReader {
  /** Reads one JSON value; the parser stands on the value's first token, which is never null. */
  private interface ValueReader {
    Object read(JsonParser p) throws IOException;
  }

  private final Map<String, Integer> positions;
  private final ValueReader[] readers;
  private final String[] paths;
  private List<String> unmapped;

  private JsonRowReader(
      Schema schema, String prefix, JsonNode connect, Map<String, TimestampFormat> formats) {
    this.positions = new HashMap<>(schema.size() * 2);
    this.readers = new ValueReader[schema.size()];
    this.paths = new String[schema.size()];
    Map<String, JsonNode> connectFields = connectFields(connect, prefix);
    for (int i = 0; i < schema.size(); i++) {
      Field f = schema.field(i);
      positions.put(f.name(), i);
      paths[i] = prefix + f.name();
      readers[i] = compile(f.type(), paths[i], connectFields.get(f.name()), formats);
    }
  }

  /**
   * A reader for objects described by a Kafka Connect struct schema as JsonConverter writes it
   * ({@code {"type":"struct","fields":[{"field":"id","type":"int32",...},...]}}).
   *
   * @throws RecordException naming the field if the schema declares a value a column cannot hold
   */
  static JsonRowReader withSchema(
      Schema schema, JsonNode connectStruct, Map<String, TimestampFormat> formats) {
    return new JsonRowReader(schema, "", connectStruct, formats);
  }

  /** A reader that interprets values by their JSON shape and the column types alone. */
  static JsonRowReader schemaless(Schema schema, Map<String, TimestampFormat> formats) {
    return new JsonRowReader(schema, "", null, formats);
  }

  /**
   * Reads the object the parser stands on (its START_OBJECT) up to and including its END_OBJECT.
   *
   * @throws RecordException naming the field if a value does not fit its column
   */
  Row read(JsonParser p) throws IOException {
    Row row = new Row(readers.length);
    unmapped = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      Integer pos = positions.get(name);
      JsonToken value = p.nextToken();
      if (pos == null) {
        if (unmapped == null) {
          unmapped = new ArrayList<>(4);
        }
        unmapped.add(name);
        p.skipChildren();
      } else if (value != JsonToken.VALUE_NULL) {
        row.set(pos, readers[pos].read(p));
      }
    }
    return row;
  }

  /** The members of the object last read that are not columns, or null if there were none. */
  List<String> unmapped() {
    return unmapped;
  }

  private static Map<String, JsonNode> connectFields(JsonNode connect, String path) {
    Map<String, JsonNode> byName = new HashMap<>();
    if (connect == null) {
      return byName;
    }
    JsonNode fields = connect.get("fields");
    if (fields == null || !fields.isArray()) {
      throw new RecordException(
          "field "
              + (path.isEmpty() ? "(row)" : path.substring(0, path.length() - 1))
              + ": the event's schema has no fields for a struct");
    }
    for (JsonNode f : fields) {
      JsonNode name = f.get("field");
      if (name != null && name.isTextual()) {
        byName.put(name.asText(), f);
      }
    }
    return byName;
  }

  private static ValueReader compile(
      DataType type, String path, JsonNode connect, Map<String, TimestampFormat> formats) {
    String connectType = connect == null ? null : connect.path("type").asText(null);
    String connectName = connect == null ? null : connect.path("name").asText(null);
    SemanticType semantic = SemanticType.of(connectName);
    if (connect != null) {
      checkCompatible(type, connectType, semantic, connectName, path);
    }
    if (type instanceof DataType.Decimal dec) {
      return decimalReader(dec, path, connect, connectType, semantic);
    }
    if (type instanceof DataType.Struct struct) {
      JsonRowReader nested = new JsonRowReader(struct.schema(), path + ".", connect, formats);
      return p -> {
        expect(p, JsonToken.START_OBJECT, path, "an object");
        Row row = nested.read(p);
        for (int i = 0; i < row.size(); i++) {
          if (row.get(i) == null && struct.schema().field(i).required()) {
            throw new RecordException(
                "field " + nested.paths[i] + ": required but missing or null");
          }
        }
        return row;
      };
    }
    if (type instanceof DataType.ListOf list) {
      ValueReader element =
          compile(list.element(), path, connect == null ? null : connect.get("items"), formats);
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
    return switch ((DataType.Primitive) type) {
      case BOOLEAN -> p -> readBoolean(p, path);
      case INT -> p -> readInt(p, path);
      case LONG -> p -> readLong(p, path);
      case FLOAT -> p -> (float) readDouble(p, path);
      case DOUBLE -> p -> readDouble(p, path);
      case STRING -> p -> readString(p, path, "a string");
      case BINARY -> p -> ByteBuffer.wrap(base64(readString(p, path, "base64 bytes"), path));
      case DATE -> p -> readDate(p, path);
      case TIMESTAMP -> {
        Temporal.Unit unit = semantic.unit();
        Temporal.Unit numbers = unit != null ? unit : Temporal.Unit.of(formats.get(path));
        yield p -> readTimestamp(p, path, numbers);
      }
    };
  }

  /**
   * Rejects, once per schema, a column whose event schema encodes something else: a bytes-encoded
   * decimal would otherwise land in a string column as base64, a time of day in a timestamp.
   */
  private static void checkCompatible(
      DataType type, String connectType, SemanticType semantic, String name, String path) {
    boolean integer =
        "int8".equals(connectType)
            || "int16".equals(connectType)
            || "int32".equals(connectType)
            || "int64".equals(connectType);
    boolean number = integer || "float32".equals(connectType) || "float64".equals(connectType);
    boolean string = "string".equals(connectType);
    boolean ok;
    if (type instanceof DataType.Decimal) {
      ok =
          semantic == SemanticType.DECIMAL
              || semantic == SemanticType.VARIABLE_SCALE_DECIMAL
              || (semantic == SemanticType.NONE && (number || string));
    } else if (type instanceof DataType.Struct) {
      ok = "struct".equals(connectType);
    } else if (type instanceof DataType.ListOf) {
      ok = "array".equals(connectType);
    } else {
      ok =
          switch ((DataType.Primitive) type) {
            case BOOLEAN -> "boolean".equals(connectType);
            case INT, LONG -> integer;
            case FLOAT, DOUBLE -> number;
            case STRING -> string;
            case BINARY ->
                ("bytes".equals(connectType) && semantic != SemanticType.DECIMAL) || string;
            case DATE ->
                semantic == SemanticType.DATE_DAYS
                    || semantic == SemanticType.DATE_STRING
                    || (semantic == SemanticType.NONE && (integer || string));
            case TIMESTAMP ->
                semantic.isTimestamp() || (semantic == SemanticType.NONE && (integer || string));
          };
    }
    if (!ok) {
      throw new RecordException(
          "field "
              + path
              + ": the event's schema declares "
              + connectType
              + (name == null ? "" : " (" + name + ")")
              + ", which cannot be read as "
              + Envelopes.typeName(type)
              + "; change the column's type in the spec");
    }
  }

  private static ValueReader decimalReader(
      DataType.Decimal type,
      String path,
      JsonNode connect,
      String connectType,
      SemanticType semantic) {
    // scale of base64 unscaled bytes; without a schema a non-numeric string is taken to be such
    // bytes at the column's scale, since that is what Debezium's default "precise" mode writes
    int bytesScale;
    boolean numericStrings;
    if (connect == null) {
      bytesScale = type.scale();
      numericStrings = true;
    } else if (semantic == SemanticType.DECIMAL) {
      JsonNode scale = connect.path("parameters").get("scale");
      try {
        bytesScale = Integer.parseInt(scale == null ? "" : scale.asText());
      } catch (NumberFormatException e) {
        throw new RecordException(
            "field " + path + ": the event's schema gives a decimal without parameters.scale");
      }
      numericStrings = false;
    } else {
      bytesScale = -1;
      numericStrings = "string".equals(connectType);
    }
    return p -> {
      JsonToken t = p.currentToken();
      if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
        return Decimals.fit(p.getDecimalValue(), type, path);
      }
      if (t == JsonToken.START_OBJECT) {
        return Decimals.fit(readVariableScale(p, path), type, path);
      }
      if (t != JsonToken.VALUE_STRING) {
        throw mismatch(p, path, "a decimal");
      }
      String text = p.getText();
      if (numericStrings && Decimals.looksNumeric(text)) {
        try {
          return Decimals.fit(new BigDecimal(text), type, path);
        } catch (NumberFormatException e) {
          // fall through: base64 may look like a number with an exponent
        }
      }
      if (bytesScale < 0) {
        throw new RecordException(
            "field " + path + ": not a decimal number: \"" + abbreviate(text) + "\"");
      }
      return Decimals.fit(Decimals.fromUnscaled(base64(text, path), bytesScale, path), type, path);
    };
  }

  /** Debezium's VariableScaleDecimal: {@code {"scale": 2, "value": "<base64 unscaled>"}}. */
  private static BigDecimal readVariableScale(JsonParser p, String path) throws IOException {
    Integer scale = null;
    byte[] unscaled = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      p.nextToken();
      if ("scale".equals(name)) {
        scale = readInt(p, path + ".scale");
      } else if ("value".equals(name)) {
        unscaled = base64(readString(p, path + ".value", "base64 bytes"), path + ".value");
      } else {
        p.skipChildren();
      }
    }
    if (scale == null || unscaled == null) {
      throw new RecordException(
          "field " + path + ": a variable-scale decimal needs both scale and value");
    }
    return Decimals.fromUnscaled(unscaled, scale, path);
  }

  private static long readTimestamp(JsonParser p, String path, Temporal.Unit unit)
      throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NUMBER_INT) {
      long raw = readLong(p, path);
      try {
        return unit.toMicros(raw);
      } catch (ArithmeticException e) {
        throw new RecordException(
            "field "
                + path
                + ": timestamp out of range: "
                + raw
                + " "
                + unit.name().toLowerCase(java.util.Locale.ROOT));
      }
    }
    if (t == JsonToken.VALUE_STRING) {
      String text = p.getText();
      try {
        return Temporal.parseTimestamp(text);
      } catch (DateTimeException e) {
        throw new RecordException(
            "field " + path + ": not an ISO-8601 timestamp: \"" + abbreviate(text) + "\"");
      }
    }
    throw mismatch(p, path, "a timestamp");
  }

  private static int readDate(JsonParser p, String path) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NUMBER_INT) {
      return readInt(p, path);
    }
    if (t == JsonToken.VALUE_STRING) {
      String text = p.getText();
      try {
        return Temporal.parseDate(text);
      } catch (DateTimeException e) {
        throw new RecordException(
            "field " + path + ": not an ISO-8601 date: \"" + abbreviate(text) + "\"");
      }
    }
    throw mismatch(p, path, "a date");
  }

  private static boolean readBoolean(JsonParser p, String path) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE) {
      return t == JsonToken.VALUE_TRUE;
    }
    throw mismatch(p, path, "a boolean");
  }

  private static int readInt(JsonParser p, String path) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_NUMBER_INT) {
      try {
        return p.getIntValue();
      } catch (InputCoercionException e) {
        throw new RecordException(
            "field " + path + ": number out of range for int: " + p.getText());
      }
    }
    throw mismatch(p, path, "an integer");
  }

  private static long readLong(JsonParser p, String path) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_NUMBER_INT) {
      try {
        return p.getLongValue();
      } catch (InputCoercionException e) {
        throw new RecordException(
            "field " + path + ": number out of range for long: " + p.getText());
      }
    }
    throw mismatch(p, path, "an integer");
  }

  private static double readDouble(JsonParser p, String path) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NUMBER_FLOAT || t == JsonToken.VALUE_NUMBER_INT) {
      return p.getDoubleValue();
    }
    if (t == JsonToken.VALUE_STRING) {
      // Jackson, and so JsonConverter, writes non-finite doubles as strings by default
      switch (p.getText()) {
        case "NaN":
          return Double.NaN;
        case "Infinity":
          return Double.POSITIVE_INFINITY;
        case "-Infinity":
          return Double.NEGATIVE_INFINITY;
        default:
          break;
      }
    }
    throw mismatch(p, path, "a number");
  }

  private static String readString(JsonParser p, String path, String what) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_STRING) {
      return p.getText();
    }
    throw mismatch(p, path, what);
  }

  private static byte[] base64(String text, String path) {
    try {
      return Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw new RecordException("field " + path + ": not base64: \"" + abbreviate(text) + "\"");
    }
  }

  private static void expect(JsonParser p, JsonToken token, String path, String what)
      throws IOException {
    if (p.currentToken() != token) {
      throw mismatch(p, path, what);
    }
  }

  private static RecordException mismatch(JsonParser p, String path, String what)
      throws IOException {
    return new RecordException("field " + path + ": expected " + what + ", found " + describe(p));
  }

  /** The current token for a message: its kind and, for scalars, its (abbreviated) text. */
  static String describe(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    if (t == null) {
      return "end of input";
    }
    return switch (t) {
      case VALUE_STRING -> "string \"" + abbreviate(p.getText()) + "\"";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number " + abbreviate(p.getText());
      case VALUE_TRUE, VALUE_FALSE -> "boolean " + p.getText();
      case VALUE_NULL -> "null";
      case START_OBJECT -> "an object";
      case START_ARRAY -> "an array";
      default -> t.asString() == null ? t.name() : t.asString();
    };
  }

  static String abbreviate(String s) {
    return s.length() <= 60 ? s : s.substring(0, 60) + "...";
  }
}
