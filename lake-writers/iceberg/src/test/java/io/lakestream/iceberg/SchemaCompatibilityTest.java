package io.lakestream.iceberg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.core.error.PipelineException;
import io.lakestream.core.record.DataType;
import io.lakestream.core.record.Field;
import io.lakestream.core.record.Row;
import io.lakestream.core.record.Schema;
import io.lakestream.core.sink.Sink;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaCompatibilityTest {
  @TempDir Path dir;

  /** Creates the table directly with Iceberg, as another tool would. */
  private void createTable(org.apache.iceberg.Schema schema, PartitionSpec spec) {
    try (JdbcCatalog catalog = new JdbcCatalog()) {
      catalog.initialize(
          "lakestream",
          Map.of(
              "uri",
              "jdbc:sqlite:" + dir.resolve("catalog.db"),
              "warehouse",
              dir.resolve("warehouse").toUri().toString(),
              "jdbc.schema-version",
              "V1"));
      catalog.createNamespace(Namespace.of("analytics"));
      catalog
          .buildTable(TableIdentifier.parse(TestTables.TABLE), schema)
          .withPartitionSpec(spec)
          .withProperty("format-version", "2")
          .create();
    }
  }

  @Test
  void writesIntoAnExistingTableWithExtraOptionalColumnsInAnotherOrder() {
    createTable(
        new org.apache.iceberg.Schema(
            Types.NestedField.optional(1, "note", Types.StringType.get()),
            Types.NestedField.required(2, "id", Types.LongType.get()),
            Types.NestedField.optional(
                3,
                "address",
                Types.StructType.of(
                    Types.NestedField.optional(5, "zip", Types.IntegerType.get()),
                    Types.NestedField.required(6, "city", Types.StringType.get()))),
            Types.NestedField.optional(4, "name", Types.StringType.get())),
        PartitionSpec.unpartitioned());
    Schema address =
        new Schema(
            List.of(
                Field.required("city", DataType.Primitive.STRING),
                Field.optional("zip", DataType.Primitive.INT)));
    Schema rows =
        new Schema(
            List.of(
                Field.optional("name", DataType.Primitive.STRING),
                Field.required("id", DataType.Primitive.LONG),
                Field.optional("address", new DataType.Struct(address))));

    try (Sink sink = TestTables.open(dir, rows, Map.of())) {
      sink.committer()
          .commit(
              1,
              Map.of(),
              TestTables.write(
                  sink,
                  0,
                  List.of(new Row("ann", 1L, new Row("Lisbon", 1100)), new Row(null, 2L, null)),
                  1));
    }

    // table order: note, id, address(zip, city), name
    assertThat(TestTables.read(dir))
        .extracting(TestTables::plain)
        .containsExactlyInAnyOrder(
            Arrays.asList(null, 1L, Arrays.asList(1100, "Lisbon"), "ann"),
            Arrays.asList(null, 2L, null, null));
  }

  @Test
  void refusesATableThatCannotTakeTheRowsAndSaysWhy() {
    createTable(
        new org.apache.iceberg.Schema(
            Types.NestedField.required(1, "order_id", Types.LongType.get()),
            Types.NestedField.required(2, "user_id", Types.IntegerType.get()),
            Types.NestedField.required(3, "item", Types.StringType.get()),
            Types.NestedField.optional(4, "amount", Types.DecimalType.of(12, 2)),
            Types.NestedField.optional(5, "event_time", Types.TimestampType.withoutZone()),
            Types.NestedField.required(6, "region", Types.StringType.get())),
        PartitionSpec.unpartitioned());

    assertThatThrownBy(() -> TestTables.open(dir, Orders.SCHEMA, Map.of()))
        .isInstanceOf(PipelineException.class)
        .hasMessage(
            "Table analytics.orders cannot take the pipeline's rows:"
                + " column \"user_id\" is int in the table but the pipeline writes long;"
                + " column \"item\" is required in the table but optional in the pipeline;"
                + " column \"amount\" is decimal(12, 2) in the table but the pipeline writes"
                + " decimal(10, 2);"
                + " column \"quantity\" is missing from the table;"
                + " column \"event_time\" is timestamp in the table but the pipeline writes"
                + " timestamptz;"
                + " column \"paid\" is missing from the table;"
                + " column \"region\" is required in the table but the pipeline does not write it."
                + " Change the pipeline's schema or write to another table.");
  }

  @Test
  void refusesAPartitionColumnThatIsNotInTheSchema() {
    assertThatThrownBy(
            () ->
                TestTables.open(
                    dir,
                    Orders.SCHEMA,
                    Map.of("partition-by", List.of("day(event_time)", "bucket(8, customer)"))))
        .isInstanceOf(PipelineException.class)
        .hasMessage(
            "Cannot partition table analytics.orders: sink.iceberg.partition-by[1]: column"
                + " \"customer\" is not in the schema (columns: order_id, user_id, item, amount,"
                + " quantity, event_time, paid)");
  }

  @Test
  void refusesATransformThatDoesNotFitTheColumnType() {
    assertThatThrownBy(
            () -> TestTables.open(dir, Orders.SCHEMA, Map.of("partition-by", List.of("day(item)"))))
        .isInstanceOf(PipelineException.class)
        .hasMessage(
            "Cannot partition table analytics.orders: sink.iceberg.partition-by[0]: cannot apply"
                + " day to column \"item\" of type string");
  }

  @Test
  void refusesATableWhosePartitionColumnThePipelineDoesNotWrite() {
    createTable(
        new org.apache.iceberg.Schema(
            Types.NestedField.required(1, "id", Types.LongType.get()),
            Types.NestedField.optional(2, "region", Types.StringType.get())),
        PartitionSpec.builderFor(
                new org.apache.iceberg.Schema(
                    Types.NestedField.required(1, "id", Types.LongType.get()),
                    Types.NestedField.optional(2, "region", Types.StringType.get())))
            .identity("region")
            .build());
    Schema rows = new Schema(List.of(Field.required("id", DataType.Primitive.LONG)));

    assertThatThrownBy(() -> TestTables.open(dir, rows, Map.of()))
        .isInstanceOf(PipelineException.class)
        .hasMessage(
            "Table analytics.orders is partitioned by column \"region\", which the pipeline does"
                + " not write");
  }
}
