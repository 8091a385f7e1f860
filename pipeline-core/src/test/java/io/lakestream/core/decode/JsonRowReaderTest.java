package io.lakestream.core.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import io.lakestream.core.error.RecordException;
import io.lakestream.core.record.DataType;
import io.lakestream.core.record.DataType.Primitive;
import io.lakestream.core.record.Field;
import io.lakestream.core.record.Row;
import io.lakestream.core.record.Schema;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class JsonRowReaderTest {
  private static final JsonFactory JSON = new JsonFactory();

  private static final Schema POINT =
      new Schema(List.of(Field.required("x", Primitive.LONG), Field.optional("y", Primitive.LONG)));

  private static final Schema SCHEMA =
      new Schema(
          List.of(
              Field.required("id", Primitive.LONG),
              Field.optional("name", Primitive.STRING),
              Field.optional("at", new DataType.Struct(POINT))));

  /** Reads longs plainly and strings upper-cased, to see that the caller's choice is used. */
  private static JsonValueReader reader(Field f, String path) {
    if (f.type() instanceof DataType.Struct s) {
      return new JsonRowReader(s.schema(), path, JsonRowReaderTest::reader).asStruct();
    }
    return f.type() == Primitive.STRING
        ? p -> JsonValues.readString(p, path).toUpperCase(Locale.ROOT)
        : p -> JsonValues.readLong(p, path);
  }

  private final JsonRowReader rows = new JsonRowReader(SCHEMA, "", JsonRowReaderTest::reader);

  private Row read(String json) throws IOException {
    try (JsonParser p = JSON.createParser(json)) {
      p.nextToken();
      return rows.read(p);
    }
  }

  @Test
  void readsEachColumnWithTheReaderTheCallerChose() throws IOException {
    assertThat(read("{\"id\":1,\"name\":\"ann\",\"at\":{\"x\":2,\"y\":3}}"))
        .isEqualTo(new Row(1L, "ANN", new Row(2L, 3L)));
    assertThat(read("{\"at\":{\"y\":3,\"x\":2},\"name\":\"bo\",\"id\":1}"))
        .isEqualTo(new Row(1L, "BO", new Row(2L, 3L)));
  }

  @Test
  void reportsTheMembersThatAreNoColumnsOfTheObjectLastRead() throws IOException {
    read("{\"a\":[1,{\"b\":2}],\"id\":1,\"c\":null,\"at\":{\"x\":1,\"z\":0}}");
    assertThat(rows.unmapped()).containsExactly("a", "c");

    read("{\"id\":2}");
    assertThat(rows.unmapped()).isEmpty();
  }

  @Test
  void checksRequiredColumnsOfNestedStructsWhileReadingAndOfTheRowOnRequest() throws IOException {
    assertThatThrownBy(() -> read("{\"id\":1,\"at\":{\"y\":3}}"))
        .isInstanceOf(RecordException.class)
        .hasMessage("field at.x: required but missing or null");

    Row row = read("{\"name\":\"no id\"}");
    assertThatThrownBy(() -> rows.checkRequired(row))
        .isInstanceOf(RecordException.class)
        .hasMessage("field id: required but missing or null");
  }
}
