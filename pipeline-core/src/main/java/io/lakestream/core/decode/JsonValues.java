package io.lakestream.core.decode;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import io.lakestream.core.error.RecordException;
import io.lakestream.core.record.DataType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Reading JSON values that every JSON format reads alike, and describing what was found instead of
 * what a column needs. Every {@code read} method expects the parser on the value's first token and
 * throws a {@link RecordException} naming the column's path and the value found.
 */
public final class JsonValues {
  private JsonValues() {}

  public static boolean readBoolean(JsonParser p, String path) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE) {
      return t == JsonToken.VALUE_TRUE;
    }
    throw mismatch(p, path, "a boolean");
  }

  public static int readInt(JsonParser p, String path) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_NUMBER_INT) {
      try {
        return p.getIntValue();
      } catch (InputCoercionException e) {
        throw new RecordException(
            "field " + path + ": number out of range for int: " + abbreviate(p.getText()));
      }
    }
    throw mismatch(p, path, "an integer");
  }

  public static long readLong(JsonParser p, String path) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_NUMBER_INT) {
      try {
        return p.getLongValue();
      } catch (InputCoercionException e) {
        throw new RecordException(
            "field " + path + ": number out of range for long: " + abbreviate(p.getText()));
      }
    }
    throw mismatch(p, path, "an integer");
  }

  /** An integer or a fractional number. */
  public static double readDouble(JsonParser p, String path) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NUMBER_FLOAT || t == JsonToken.VALUE_NUMBER_INT) {
      return p.getDoubleValue();
    }
    throw mismatch(p, path, "a number");
  }

  public static String readString(JsonParser p, String path) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_STRING) {
      return p.getText();
    }
    throw mismatch(p, path, "a string");
  }

  /** A string of base64 (RFC 4648, with padding), as bytes. */
  public static byte[] readBase64(JsonParser p, String path) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_STRING) {
      return base64(p.getText(), path);
    }
    throw mismatch(p, path, "base64 bytes");
  }

  /**
   * The bytes {@code text} encodes in base64.
   *
   * @throws RecordException naming the column if it is not base64
   */
  public static byte[] base64(String text, String path) {
    try {
      return Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw new RecordException("field " + path + ": not base64: \"" + abbreviate(text) + "\"");
    }
  }

  /**
   * A reader for the values of a list column: arrays whose elements {@code element} reads.
   *
   * @throws RecordException naming the column if a value is not an array, or holds a null where the
   *     list's elements are required
   */
  public static JsonValueReader list(DataType.ListOf type, JsonValueReader element, String path) {
    return p -> {
      expect(p, JsonToken.START_ARRAY, path, "an array");
      List<Object> values = new ArrayList<>();
      while (p.nextToken() != JsonToken.END_ARRAY) {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
          if (type.elementRequired()) {
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

  /**
   * Checks the kind of value the parser stands on.
   *
   * @param what what the column needs, for the message: {@code an object}
   * @throws RecordException naming the column and what was found otherwise
   */
  public static void expect(JsonParser p, JsonToken token, String path, String what)
      throws IOException {
    if (p.currentToken() != token) {
      throw mismatch(p, path, what);
    }
  }

  /** {@code field PATH: expected WHAT, found DESCRIPTION} for the value the parser stands on. */
  public static RecordException mismatch(JsonParser p, String path, String what)
      throws IOException {
    return new RecordException("field " + path + ": expected " + what + ", found " + describe(p));
  }

  /** The current token for a message: its kind and, for scalars, its (abbreviated) text. */
  public static String describe(JsonParser p) throws IOException {
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

  /** {@code s}, cut to 60 characters and {@code ...} if longer, so that messages stay short. */
  public static String abbreviate(String s) {
    return s.length() <= 60 ? s : s.substring(0, 60) + "...";
  }

  /**
   * The error for input the parser could not read: {@code WHAT: } and the first line of the
   * parser's message (the rest says where in the input, which the record's coordinates say).
   */
  public static RecordException malformed(String what, IOException e) {
    String message = e.getMessage();
    if (message == null) {
      return new RecordException(what + ": unreadable input");
    }
    int nl = message.indexOf('\n');
    return new RecordException(what + ": " + (nl < 0 ? message : message.substring(0, nl)));
  }
}
