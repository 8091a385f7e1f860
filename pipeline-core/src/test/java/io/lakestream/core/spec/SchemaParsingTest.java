package io.lakestream.core.spec;

import static io.lakestream.core.spec.SpecParserTest.problemsOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.core.record.DataType;
import io.lakestream.core.record.DataType.Primitive;
import io.lakestream.core.record.Field;
import io.lakestream.core.record.Schema;
import io.lakestream.core.spec.SchemaSpec.TimestampFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SchemaParsingTest {

  /** A valid spec whose schema section is {@code fields}, indented as list items. */
  static String withFields(String fields) {
    return """
        pipeline: p
        source:
          kafka: {bootstrap-servers: embedded, topics: [t]}
        sink:
          test: {table: a.b}
        schema:
          fields:
        """
        + fields.indent(4);
  }

  static SchemaSpec schemaOf(String fields) {
    return SpecParser.parse(withFields(fields)).schema();
  }

  @ParameterizedTest
  @CsvSource({
    "boolean, BOOLEAN",
    "int, INT",
    "long, LONG",
    "float, FLOAT",
    "double, DOUBLE",
    "string, STRING",
    "binary, BINARY",
    "date, DATE",
    "timestamp, TIMESTAMP",
    "Long, LONG",
    "' STRING ', STRING"
  })
  void readsPrimitiveTypesInAnyCase(String name, Primitive expected) {
    SchemaSpec schema = schemaOf("- {name: x, type: \"" + name + "\"}");

    assertThat(schema.schema().fields()).containsExactly(Field.optional("x", expected));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {"decimal(10,2) | 10 | 2", "DECIMAL( 38 , 0 ) | 38 | 0", "decimal(1,1) | 1 | 1"})
  void readsDecimals(String name, int precision, int scale) {
    SchemaSpec schema = schemaOf("- {name: x, type: \"" + name + "\"}");

    assertThat(schema.schema().field(0).type()).isEqualTo(new DataType.Decimal(precision, scale));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "decimal(0,0) | decimal precision must be between 1 and 38 (got \"decimal(0,0)\")",
        "decimal(39,2) | decimal precision must be between 1 and 38 (got \"decimal(39,2)\")",
        "decimal(99999999999,2) | decimal precision must be between 1 and 38"
            + " (got \"decimal(99999999999,2)\")",
        "decimal(10,11) | decimal scale must be between 0 and the precision, 10"
            + " (got \"decimal(10,11)\")",
        "decimal(10) | must be written decimal(precision,scale), e.g. decimal(10,2)"
            + " (got \"decimal(10)\")",
        "decimal | must be written decimal(precision,scale), e.g. decimal(10,2) (got \"decimal\")",
        "decmal(10,2) | unknown type \"decmal(10,2)\", did you mean \"decimal(10,2)\"? (types:"
            + " boolean, int, long, float, double, string, binary, date, timestamp, decimal(p,s),"
            + " struct, list)"
      })
  void reportsBadDecimals(String name, String message) {
    assertThat(problemsOf(withFields("- {name: x, type: \"" + name + "\"}")))
        .containsExactly("schema.fields[0].type: " + message);
  }

  @Test
  void readsNestedStructsAndLists() {
    SchemaSpec schema =
        schemaOf(
            """
            - name: order
              type: struct
              required: true
              fields:
                - {name: id, type: long, required: true}
                - name: lines
                  type: list
                  element:
                    type: struct
                    required: true
                    fields:
                      - {name: sku, type: string}
                      - {name: at, type: timestamp, format: epoch-seconds}
            - {name: matrix, type: list, element: {type: list, element: double}}
            - {name: times, type: list, element: timestamp}
            - {name: stamps, type: list, element: {type: timestamp, format: epoch-micros}}
            """);

    DataType line =
        new DataType.Struct(
            new Schema(
                List.of(
                    Field.optional("sku", Primitive.STRING),
                    Field.optional("at", Primitive.TIMESTAMP))));
    DataType order =
        new DataType.Struct(
            new Schema(
                List.of(
                    Field.required("id", Primitive.LONG),
                    Field.optional("lines", new DataType.ListOf(line, true)))));
    assertThat(schema.schema().fields())
        .containsExactly(
            Field.required("order", order),
            Field.optional(
                "matrix", new DataType.ListOf(new DataType.ListOf(Primitive.DOUBLE, false), false)),
            Field.optional("times", new DataType.ListOf(Primitive.TIMESTAMP, false)),
            Field.optional("stamps", new DataType.ListOf(Primitive.TIMESTAMP, false)));
    assertThat(schema.timestampFormats())
        .isEqualTo(
            Map.of(
                "order.lines.at", TimestampFormat.EPOCH_SECONDS,
                "times", TimestampFormat.ISO_8601,
                "stamps", TimestampFormat.EPOCH_MICROS));
  }

  @Test
  void reportsNestedMistakesWithTheirPaths() {
    List<String> problems =
        problemsOf(
            withFields(
                """
                - name: order
                  type: struct
                  element: string
                  fields:
                    - {name: id, type: lnog}
                    - {name: "2nd", type: long}
                    - {name: lines, type: list}
                    - {name: tags, type: list, element: struct}
                    - {name: more, type: list, element: {type: struct, fields: [], colour: red}}
                    - {name: when, type: timestamp, format: epoch-nanos}
                    - {type: string}
                    - just-a-name
                    - {name: flag, type: boolean, required: "yes", fields: [{name: a, type: int}]}
                - {name: s, type: string, doc: 5}
                """));

    assertThat(problems)
        .containsExactly(
            "schema.fields[0].element: only applies to type list",
            "schema.fields[0].fields[0].type: unknown type \"lnog\", did you mean \"long\"?"
                + " (types: boolean, int, long, float, double, string, binary, date, timestamp,"
                + " decimal(p,s), struct, list)",
            "schema.fields[0].fields[1].name: must be letters, digits and _, not starting with a"
                + " digit (got \"2nd\")",
            "schema.fields[0].fields[2].element: is required for type list",
            "schema.fields[0].fields[3].element: must be an element map for a struct or list"
                + " element, e.g. {type: struct, fields: [...]} (got \"struct\")",
            "schema.fields[0].fields[4].element.colour: unknown key (known: type, required,"
                + " format, fields, element)",
            "schema.fields[0].fields[4].element.fields: must not be empty",
            "schema.fields[0].fields[5].format: must be one of iso-8601, epoch-seconds,"
                + " epoch-millis, epoch-micros (got \"epoch-nanos\")",
            "schema.fields[0].fields[6].name: is required",
            "schema.fields[0].fields[7]: must be a map with a name and a type (got"
                + " \"just-a-name\")",
            "schema.fields[0].fields[8].fields: only applies to type struct",
            "schema.fields[0].fields[8].required: must be true or false (got \"yes\")",
            "schema.fields[1].doc: must be a string (got 5)");
  }

  @Test
  void reportsAnEmptyOrMissingFieldList() {
    assertThat(problemsOf(withFields("").replace("  fields:\n", "  fields: []\n")))
        .containsExactly("schema.fields: must not be empty");
    assertThat(problemsOf(withFields("").replace("  fields:\n", "  field: []\n")))
        .containsExactly(
            "schema.field: unknown key, did you mean \"fields\"? (known: fields)",
            "schema.fields: is required");
  }
}
