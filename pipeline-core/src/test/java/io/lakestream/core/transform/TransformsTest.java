package io.lakestream.core.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.core.error.RecordException;
import io.lakestream.core.record.DataType;
import io.lakestream.core.record.DataType.Primitive;
import io.lakestream.core.record.Field;
import io.lakestream.core.record.Row;
import io.lakestream.core.record.Schema;
import io.lakestream.core.spec.TransformSpec;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TransformsTest {
  private static final Schema INPUT =
      new Schema(
          List.of(
              Field.required("event_id", Primitive.LONG),
              Field.optional("user_id", Primitive.LONG),
              Field.optional("amount", Primitive.DOUBLE)));

  private static Row apply(Transforms t, Row row) {
    for (RowTransform step : t.newChain()) {
      row = step.apply(row);
      if (row == null) {
        return null;
      }
    }
    return row;
  }

  @Test
  void appliesStepsInOrderAndTracksTheSchema() {
    Transforms t =
        Transforms.compile(
            List.of(
                new TransformSpec.Filter("amount > 0"),
                new TransformSpec.Compute("cents", Primitive.LONG, "amount * 100"),
                new TransformSpec.Rename(Map.of("user_id", "customer_id")),
                new TransformSpec.Cast(Map.of("amount", new DataType.Decimal(12, 2))),
                new TransformSpec.Project(List.of("event_id", "customer_id", "amount", "cents"))),
            INPUT);

    assertThat(t.outputSchema().fields())
        .extracting(Field::name)
        .containsExactly("event_id", "customer_id", "amount", "cents");
    assertThat(t.outputSchema().field(2).type()).isEqualTo(new DataType.Decimal(12, 2));
    assertThat(apply(t, new Row(1L, 5L, 2.5)))
        .isEqualTo(new Row(1L, 5L, new BigDecimal("2.50"), 250L));
    assertThat(apply(t, new Row(2L, 5L, -1.0))).isNull();
  }

  @Test
  void expressionsReadNestedStructFields() {
    Schema customer =
        new Schema(
            List.of(
                Field.required("id", Primitive.LONG), Field.optional("tier", Primitive.STRING)));
    Schema input =
        new Schema(
            List.of(
                Field.required("event_id", Primitive.LONG),
                Field.optional("customer", new DataType.Struct(customer))));
    Transforms t =
        Transforms.compile(
            List.of(
                new TransformSpec.Filter("customer.tier == 'gold'"),
                new TransformSpec.Compute("customer_id", Primitive.LONG, "customer.id")),
            input);

    assertThat(apply(t, new Row(1L, new Row(42L, "gold"))))
        .isEqualTo(new Row(1L, new Row(42L, "gold"), 42L));
    assertThat(apply(t, new Row(2L, new Row(43L, "silver")))).isNull();
  }

  @Test
  void anExpressionFailingOnARowIsARecordError() {
    Transforms t = Transforms.compile(List.of(new TransformSpec.Filter("amount > 0")), INPUT);

    assertThatThrownBy(() -> apply(t, new Row(1L, 5L, null)))
        .isInstanceOf(RecordException.class)
        .hasMessageStartingWith("expression \"amount > 0\" failed: ");
  }

  @Test
  void aFilterMustReturnABoolean() {
    Transforms t = Transforms.compile(List.of(new TransformSpec.Filter("amount")), INPUT);

    assertThatThrownBy(() -> apply(t, new Row(1L, 5L, 3.0)))
        .hasMessage("filter \"amount\" returned 3.0, not true or false");
  }

  @Test
  void aCastThatDoesNotFitNamesTheColumn() {
    Transforms t =
        Transforms.compile(
            List.of(new TransformSpec.Cast(Map.of("amount", new DataType.Decimal(3, 2)))), INPUT);

    assertThatThrownBy(() -> apply(t, new Row(1L, 5L, 123.0)))
        .hasMessage("cast of amount: 123.0 does not fit decimal(3,2)");
  }
}
