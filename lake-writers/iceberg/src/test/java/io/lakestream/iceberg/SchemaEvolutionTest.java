package io.lakestream.iceberg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.core.error.PipelineException;
import io.lakestream.core.record.DataType;
import io.lakestream.core.record.Field;
import io.lakestream.core.record.Schema;
import java.util.List;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

class SchemaEvolutionTest {
  private static final org.apache.iceberg.Schema FILES =
      new org.apache.iceberg.Schema(
          Types.NestedField.required(1, "id", Types.LongType.get()),
          Types.NestedField.optional(2, "qty", Types.IntegerType.get()),
          Types.NestedField.optional(3, "price", Types.DecimalType.of(10, 2)));

  @Test
  void addsNewColumnsWithTheNextIdsAndWidensTypes() {
    Schema rows =
        new Schema(
            List.of(
                Field.required("id", DataType.Primitive.LONG),
                Field.optional("qty", DataType.Primitive.LONG),
                Field.optional("price", new DataType.Decimal(12, 2)),
                Field.required("region", DataType.Primitive.STRING)));

    org.apache.iceberg.Schema evolved = SchemaEvolution.evolve(FILES, rows, 5, FILES, "lake.t");

    assertThat(evolved.findField("qty").fieldId()).isEqualTo(2);
    assertThat(evolved.findType("qty")).isEqualTo(Types.LongType.get());
    assertThat(evolved.findType("price")).isEqualTo(Types.DecimalType.of(12, 2));
    // a new column is optional (older rows have no value) and takes the id after the table's last
    assertThat(evolved.findField("region"))
        .isEqualTo(Types.NestedField.optional(6, "region", Types.StringType.get()));
  }

  @Test
  void aColumnTheTableHasKeepsItsId() {
    org.apache.iceberg.Schema table =
        new org.apache.iceberg.Schema(
            Types.NestedField.required(1, "id", Types.LongType.get()),
            Types.NestedField.optional(2, "qty", Types.IntegerType.get()),
            Types.NestedField.optional(3, "price", Types.DecimalType.of(10, 2)),
            Types.NestedField.optional(7, "region", Types.StringType.get()));
    Schema rows =
        new Schema(
            List.of(
                Field.required("id", DataType.Primitive.LONG),
                Field.optional("qty", DataType.Primitive.INT),
                Field.optional("price", new DataType.Decimal(10, 2)),
                Field.optional("region", DataType.Primitive.STRING)));

    assertThat(
            SchemaEvolution.evolve(FILES, rows, 7, table, "lake.t").findField("region").fieldId())
        .isEqualTo(7);
  }

  @Test
  void refusesWhatIcebergCannotFollow() {
    Schema narrowed =
        new Schema(
            List.of(
                Field.required("id", DataType.Primitive.LONG),
                Field.optional("qty", DataType.Primitive.STRING),
                Field.optional("price", new DataType.Decimal(10, 2))));
    Schema renamed =
        new Schema(
            List.of(
                Field.required("id", DataType.Primitive.LONG),
                Field.optional("quantity", DataType.Primitive.INT),
                Field.optional("price", new DataType.Decimal(10, 2))));

    assertThatThrownBy(() -> SchemaEvolution.evolve(FILES, narrowed, 3, FILES, "lake.t"))
        .isInstanceOf(PipelineException.class)
        .hasMessageContaining("column \"qty\" changed from int to string");
    assertThatThrownBy(() -> SchemaEvolution.evolve(FILES, renamed, 3, FILES, "lake.t"))
        .isInstanceOf(PipelineException.class)
        .hasMessageContaining("column 2 is now \"quantity\", was \"qty\"");
  }
}
