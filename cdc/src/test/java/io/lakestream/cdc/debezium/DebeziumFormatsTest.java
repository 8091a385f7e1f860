package io.lakestream.cdc.debezium;

import static io.lakestream.cdc.Specs.problemsOf;
import static io.lakestream.cdc.debezium.PostgresEvents.bytes;
import static io.lakestream.cdc.debezium.PostgresEvents.envelope;
import static io.lakestream.cdc.debezium.PostgresEvents.source;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.core.record.Change;
import io.lakestream.core.record.Row;
import io.lakestream.core.spec.KafkaSourceSpec;
import io.lakestream.core.spec.OptionValues;
import io.lakestream.core.spec.PipelineSpec;
import io.lakestream.core.spec.SpecOptions;
import io.lakestream.core.spec.SpecParser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code source.kafka.format} with this module's formats registered next to pipeline-core's. */
class DebeziumFormatsTest {
  private static final String SPEC =
      """
      pipeline: orders
      source:
        kafka:
          bootstrap-servers: localhost:9092
          topics: [orders]
          format: debezium-json
      schema:
        fields:
          - {name: id, type: long, required: true}
      sink:
        any: {table: lake.orders}
      """;

  @Test
  void aDebeziumFormatDecodesChangesOfTheDeclaredRows() {
    PipelineSpec spec = SpecParser.parse(SPEC);
    KafkaSourceSpec kafka = spec.kafka();

    assertThat(kafka.format()).isEqualTo(new DebeziumJsonFormat());
    assertThat(kafka.format().changes()).isTrue();
    Change change =
        kafka
            .format()
            .changeDecoder(spec.schema(), kafka.formatOptions())
            .decode(
                null,
                bytes(
                    envelope("null", "{\"id\": 7}", source("orders", 42, 1_000, "false"), "c", 1)));
    Row row = new Row(1);
    row.set(0, 7L);
    assertThat(change).isEqualTo(new Change(Change.Kind.UPSERT, row, 42));
  }

  @Test
  void anUnknownFormatListsEveryFormatOnTheClassPath() {
    assertThat(problemsOf(SPEC.replace("debezium-json", "debezium")))
        .containsExactly(
            "source.kafka.format: unknown format \"debezium\" (known: avro, debezium-avro,"
                + " debezium-json, json)");
  }

  @Test
  void transformsDoNotApplyToChanges() {
    assertThat(problemsOf(SPEC + "transforms:\n  - filter: \"id > 1\"\n"))
        .containsExactly(
            "transforms: are not supported for change streams (format debezium-json) yet: a step"
                + " would have to treat deletes as well as new rows");
  }

  @Test
  void theAvroFormatsNeedTheirSchemaFile(@TempDir Path dir) throws Exception {
    String avro = SPEC.replace("debezium-json", "debezium-avro");
    assertThat(problemsOf(avro))
        .containsExactly("source.kafka.schema-file: is required for format debezium-avro");
    assertThat(problemsOf(SPEC.replace("debezium-json", "json\n    schema-file: envelope.avsc")))
        .containsExactly(
            "source.kafka.schema-file: only applies to formats avro and debezium-avro");

    Path envelope = Files.writeString(dir.resolve("envelope.avsc"), "{\"type\": \"string\"}");
    Path file =
        Files.writeString(
            dir.resolve("orders.yaml"),
            avro.replace(
                "format: debezium-avro", "format: debezium-avro\n    schema-file: envelope.avsc"));
    assertThat(SpecParser.parse(file).kafka().formatOptions())
        .isEqualTo(OptionValues.of(SpecOptions.SCHEMA_FILE, envelope.toString()));
  }
}
