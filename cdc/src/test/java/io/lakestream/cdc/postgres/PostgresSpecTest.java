package io.lakestream.cdc.postgres;

import static io.lakestream.cdc.Specs.problemsOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.core.spec.PipelineSpec;
import io.lakestream.core.spec.SpecParser;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code source.postgres} section, read by {@link PostgresSourceType}. */
class PostgresSpecTest {

  @Test
  void readsTheSectionWithItsDefaults() {
    PipelineSpec spec =
        SpecParser.parse(
            """
            pipeline: Shop-CDC
            source:
              postgres:
                url: jdbc:postgresql://localhost:5432/shop
                user: lake
                password: s3cret
                tables: [public.orders, sales.customers]
            sink:
              any: {table: "lake.*"}
            """);

    assertThat(spec.source())
        .isEqualTo(
            new PostgresSourceSpec(
                "jdbc:postgresql://localhost:5432/shop",
                "lake",
                "s3cret",
                List.of("public.orders", "sales.customers"),
                "lakestream_shop_cdc",
                "lakestream_shop_cdc",
                PostgresSourceSpec.Snapshot.INITIAL,
                Map.of()));
    assertThat(spec.source().toString()).doesNotContain("s3cret").contains("password=******");
    assertThat(spec.schema().schema().fields()).isEmpty(); // the columns come from the database
  }

  @Test
  void reportsEveryMistake() {
    assertThat(
            problemsOf(
                """
                pipeline: shop
                source:
                  postgres:
                    url: mysql://x
                    user: lake
                    tables: [orders]
                    slot: Bad-Slot
                    snapshot: sometimes
                schema:
                  fields: [{name: id, type: long}]
                transforms:
                  - filter: "id > 1"
                sink:
                  any: {table: lake.orders}
                """))
        .containsExactly(
            "source.postgres.url: must be a PostgreSQL JDBC URL such as"
                + " jdbc:postgresql://localhost:5432/shop (got \"mysql://x\")",
            "source.postgres.tables[0]: must be schema.table (got \"orders\")",
            "source.postgres.slot: must be lower-case letters, digits and _, at most 63"
                + " characters (got \"Bad-Slot\")",
            "source.postgres.snapshot: must be one of initial, never (got \"sometimes\")",
            "schema: does not apply to source postgres: the columns come from the database",
            "transforms: are not supported for change streams (source postgres) yet: a step would"
                + " have to treat deletes as well as new rows");
  }

  @Test
  void givesOneSourceType() {
    assertThat(
            problemsOf(
                """
                pipeline: shop
                source:
                  postgres: {url: "jdbc:postgresql://localhost/shop", user: lake, tables: [a.b]}
                  kafka: {bootstrap-servers: embedded, topics: [t]}
                sink:
                  any: {table: lake.orders}
                """))
        .containsExactly("source: give one source type, not several (got postgres, kafka)");
  }

  @Test
  void routesNameTablesTheSourceReads() {
    assertThat(
            problemsOf(
                """
                pipeline: shop
                source:
                  postgres:
                    url: jdbc:postgresql://localhost/shop
                    user: lake
                    tables: [public.orders]
                    routes: {public.ordrs: x}
                sink:
                  any: {table: "lake.*"}
                """))
        .containsExactly(
            "source.postgres.routes.public.ordrs: unknown table \"public.ordrs\", did you mean"
                + " \"public.orders\"? (tables: public.orders)");
  }

  @Test
  void routesGiveTheLakeTableNames() {
    PipelineSpec spec =
        SpecParser.parse(
            """
            pipeline: shop
            source:
              postgres:
                url: jdbc:postgresql://localhost/shop
                user: lake
                tables: [public.orders_2024, public.orders_2025]
                routes: {public.orders_2024: orders, public.orders_2025: orders}
            sink:
              any: {table: "lake.*"}
            """);

    assertThat(spec.source().routes())
        .isEqualTo(Map.of("public.orders_2024", "orders", "public.orders_2025", "orders"));
  }

  @Test
  void severalSourceTablesNeedANamespaceWildcard() {
    assertThat(
            problemsOf(
                """
                pipeline: shop
                source:
                  postgres:
                    url: jdbc:postgresql://localhost/shop
                    user: lake
                    tables: [public.orders, public.customers]
                sink:
                  any: {table: lake.orders}
                """))
        .containsExactly(
            "sink.any.table: must be a namespace followed by .*, e.g. lake.*: source.postgres"
                + " reads 2 tables, each into its own table of that namespace (got"
                + " \"lake.orders\")");
  }

  @Test
  void aPrintedSourceHidesAPasswordInItsUrl() {
    PostgresSourceSpec source =
        new PostgresSourceSpec(
            "jdbc:postgresql://db/shop?password=hunter2",
            "lake",
            null,
            List.of("public.orders"),
            "slot",
            "slot",
            PostgresSourceSpec.Snapshot.NEVER,
            Map.of());

    assertThat(source.toString())
        .startsWith("PostgresSourceSpec[url=jdbc:postgresql://db/shop?password=******, user=lake")
        .doesNotContain("hunter2");
    assertThat(source.summary())
        .isEqualTo(
            "the changes of public.orders from jdbc:postgresql://db/shop?password=****** (slot"
                + " slot)");
  }
}
