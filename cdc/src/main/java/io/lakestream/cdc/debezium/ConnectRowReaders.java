package io.lakestream.cdc.debezium;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.lakestream.core.decode.Decimals;
import io.lakestream.core.decode.JsonRowReader;
import io.lakestream.core.decode.JsonValueReader;
import io.lakestream.core.decode.JsonValues;
import io.lakestream.core.error.RecordException;
import io.lakestream.core.record.DataType;
import io.lakestream.core.record.Schema;
import io.lakestream.core.spec.SchemaSpec.TimestampFormat;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.DateTimeException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Readers for the JSON objects of Debezium events (a {@code before}/{@code after} image, a record
 * key, a nested struct) as Kafka Connect's JsonConverter writes them: {@link JsonRowReader}s whose
 * column values are read the Connect way.
 *
 * <p>Built either with the Kafka Connect schema JsonConverter embedded for the object, whose
 * semantic type names decide how values are encoded, or without one, when the JSON value's own
 * shape and the spec's timestamp formats decide.
 */
final class ConnectRowReaders {
  private ConnectRowReaders() {}

  /**
   * A reader for objects described by a Kafka Connect struct schema as JsonConverter writes it
   * ({@code {"type":"struct","fields":[{"field":"id","type":"int32",...},...]}}).
   *
   * @throws RecordException naming the field if the schema declares a value a column cannot hold
   */
  static JsonRowReader withSchema(
      Schema schema, JsonNode connectStruct, Map<String, TimestampFormat> formats) {
    return struct(schema, "", connectStruct, formats);
  }

  /** A reader that interprets values by their JSON shape and the column types alone. */
  static JsonRowReader schemaless(Schema schema, Map<String, TimestampFormat> formats) {
    return struct(schema, "", null, formats);
  }

  private static JsonRowReader struct(
      Schema schema, String path, JsonNode connect, Map<String, TimestampFormat> formats) {
    Map<String, JsonNode> connectFields = connectFields(connect, path);
    return new JsonRowReader(
        schema,
        path,
        (f, fieldPath) -> compile(f.type(), fieldPath, connectFields.get(f.name()), formats));
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
              + (path.isEmpty() ? "(row)" : path)
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

  private static JsonValueReader compile(
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
      return struct(struct.schema(), path, connect, formats).asStruct();
    }
    if (type instanceof DataType.ListOf list) {
      JsonValueReader element =
          compile(list.element(), path, connect == null ? null : connect.get("items"), formats);
      return JsonValues.list(list, element, path);
    }
    return switch ((DataType.Primitive) type) {
      case BOOLEAN -> p -> JsonValues.readBoolean(p, path);
      case INT -> p -> JsonValues.readInt(p, path);
      case LONG -> p -> JsonValues.readLong(p, path);
      case FLOAT -> p -> (float) readDouble(p, path);
      case DOUBLE -> p -> readDouble(p, path);
      case STRING -> p -> JsonValues.readString(p, path);
      case BINARY -> p -> ByteBuffer.wrap(JsonValues.readBase64(p, path));
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

  private static JsonValueReader decimalReader(
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
        throw JsonValues.mismatch(p, path, "a decimal");
      }
      String text = p.getText();
      if (numericStrings && ConnectDecimals.looksNumeric(text)) {
        try {
          return Decimals.fit(new BigDecimal(text), type, path);
        } catch (NumberFormatException e) {
          // fall through: base64 may look like a number with an exponent
        }
      }
      if (bytesScale < 0) {
        throw new RecordException(
            "field " + path + ": not a decimal number: \"" + JsonValues.abbreviate(text) + "\"");
      }
      return Decimals.fit(
          ConnectDecimals.fromUnscaled(JsonValues.base64(text, path), bytesScale, path),
          type,
          path);
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
        scale = JsonValues.readInt(p, path + ".scale");
      } else if ("value".equals(name)) {
        unscaled = JsonValues.readBase64(p, path + ".value");
      } else {
        p.skipChildren();
      }
    }
    if (scale == null || unscaled == null) {
      throw new RecordException(
          "field " + path + ": a variable-scale decimal needs both scale and value");
    }
    return ConnectDecimals.fromUnscaled(unscaled, scale, path);
  }

  private static long readTimestamp(JsonParser p, String path, Temporal.Unit unit)
      throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NUMBER_INT) {
      long raw = JsonValues.readLong(p, path);
      try {
        return unit.toMicros(raw);
      } catch (ArithmeticException e) {
        throw new RecordException(
            "field "
                + path
                + ": timestamp out of range: "
                + raw
                + " "
                + unit.name().toLowerCase(Locale.ROOT));
      }
    }
    if (t == JsonToken.VALUE_STRING) {
      String text = p.getText();
      try {
        return Temporal.parseTimestamp(text);
      } catch (DateTimeException e) {
        throw new RecordException(
            "field "
                + path
                + ": not an ISO-8601 timestamp: \""
                + JsonValues.abbreviate(text)
                + "\"");
      }
    }
    throw JsonValues.mismatch(p, path, "a timestamp");
  }

  private static int readDate(JsonParser p, String path) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NUMBER_INT) {
      return JsonValues.readInt(p, path);
    }
    if (t == JsonToken.VALUE_STRING) {
      String text = p.getText();
      try {
        return Temporal.parseDate(text);
      } catch (DateTimeException e) {
        throw new RecordException(
            "field " + path + ": not an ISO-8601 date: \"" + JsonValues.abbreviate(text) + "\"");
      }
    }
    throw JsonValues.mismatch(p, path, "a date");
  }

  /**
   * A number, or the strings Jackson, and so JsonConverter, writes non-finite doubles as by
   * default.
   */
  private static double readDouble(JsonParser p, String path) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_STRING) {
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
    return JsonValues.readDouble(p, path);
  }
}
