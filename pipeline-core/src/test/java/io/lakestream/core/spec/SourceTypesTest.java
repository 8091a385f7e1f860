package io.lakestream.core.spec;

import static io.lakestream.core.spec.SpecParserTest.MINIMAL;
import static io.lakestream.core.spec.SpecParserTest.problemsOf;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The {@code source} section read by the source type its key names, found in the registry: here
 * {@code kafka} and the {@code test} type of {@link TestSourceType}.
 */
class SourceTypesTest {

  @Test
  void theTypeNamedReadsItsSection() {
    PipelineSpec spec =
        SpecParser.parse(
            """
            pipeline: shop
            source:
              test: {tables: [public.orders, public.customers]}
            sink:
              test: {table: "lake.*"}
            """);

    assertThat(spec.source())
        .isEqualTo(new TestSourceType.Spec("shop", List.of("public.orders", "public.customers")));
    assertThat(spec.schema().declared()).isFalse();
  }

  @Test
  void theTypeChecksTheRestOfTheSpecAlongWithEveryOtherProblem() {
    assertThat(
            problemsOf(
                """
                pipeline: shop
                source:
                  test: {tables: [public.orders, public.customers]}
                schema:
                  fields: [{name: id, type: lng}]
                transforms:
                  - filter: "id > 1"
                sink:
                  test: {table: lake.orders}
                checkpoint: {interval: 1ms}
                """))
        .containsExactly(
            "schema.fields[0].type: unknown type \"lng\", did you mean \"long\"? (types: boolean,"
                + " int, long, float, double, string, binary, date, timestamp, decimal(p,s),"
                + " struct, list)",
            "schema: does not apply to source test",
            "transforms: are not supported for change streams (source test) yet: a step would"
                + " have to treat deletes as well as new rows",
            "sink.test.table: must be namespace.* for several tables",
            "checkpoint.interval: must be at least 100ms (got \"1ms\")");
  }

  @Test
  void theChecksApplyAlsoWhenTheSectionHasMistakes() {
    assertThat(
            problemsOf(
                """
                pipeline: orders
                source:
                  kafka: {bootstrap-servers: localhost, topics: [orders]}
                sink:
                  test: {table: "lake.*"}
                """))
        .containsExactly(
            "source.kafka.bootstrap-servers: must be embedded or host:port pairs separated by"
                + " commas (got \"localhost\")",
            "schema: is required for format json",
            "sink.test.table: must be namespace.name: a Kafka source writes one table, and"
                + " namespace.* is for sources that write several (got \"lake.*\")");
  }

  @Test
  void anUnknownTypeListsTheKnownOnes() {
    assertThat(problemsOf(MINIMAL.replace("  kafka:\n", "  kafak:\n")))
        .containsExactly(
            "source.kafak: unknown source type \"kafak\", did you mean \"kafka\"? (known: kafka,"
                + " test)");
  }

  @Test
  void aTypeOfAnotherModuleSaysWhichModuleProvidesIt() {
    assertThat(
            problemsOf(
                """
                pipeline: shop
                source:
                  postgres: {url: "jdbc:postgresql://localhost/shop", user: lake}
                sink:
                  test: {table: lake.orders}
                """))
        .containsExactly(
            "source.postgres: source type \"postgres\" comes with the lakestream-cdc module; put it"
                + " on the class path (known: kafka, test)");
  }

  @Test
  void aFormatOfAnotherModuleSaysWhichModuleProvidesIt() {
    assertThat(
            problemsOf(
                MINIMAL.replace("topics: [orders]", "topics: [orders]\n    format: debezium-json")))
        .containsExactly(
            "source.kafka.format: format \"debezium-json\" comes with the lakestream-cdc module;"
                + " put it on the class path (known: avro, json)");
  }

  @Test
  void theSectionHoldsExactlyOneType() {
    assertThat(
            problemsOf(
                MINIMAL.replace("source:\n", "source:\n  test: {tables: [public.orders]}\n")))
        .containsExactly("source: give one source type, not several (got test, kafka)");
    assertThat(problemsOf(MINIMAL.replaceAll("(?s)source:.*schema:", "source: {}\nschema:")))
        .containsExactly(
            "source: must be a map with one key, the source type (known: kafka, test; got an"
                + " empty map)");
  }

  @Test
  void aTypeWithNothingUnderItReportsItsRequiredKeys() {
    assertThat(problemsOf("pipeline: p\nsource:\n  test:\nsink: {test: {table: a.b}}\n"))
        .containsExactly("source.test.tables: is required");
  }
}
