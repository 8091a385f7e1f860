package io.lakestream.core.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.core.record.DataType;
import io.lakestream.core.record.DataType.Primitive;
import io.lakestream.core.record.Field;
import io.lakestream.core.record.Row;
import io.lakestream.core.record.Schema;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AggregateFunctionTest {
  private static final Schema ORDERS =
      new Schema(
          List.of(
              Field.optional("quantity", Primitive.INT),
              Field.optional("user_id", Primitive.LONG),
              Field.optional("weight", Primitive.FLOAT),
              Field.optional("score", Primitive.DOUBLE),
              Field.optional("amount", new DataType.Decimal(10, 2)),
              Field.optional("name", Primitive.STRING),
              Field.optional("flag", Primitive.BOOLEAN),
              Field.optional("payload", Primitive.BINARY),
              Field.optional("day", Primitive.DATE),
              Field.optional("event_time", Primitive.TIMESTAMP),
              Field.optional("tags", new DataType.ListOf(Primitive.STRING, false)),
              Field.optional(
                  "customer",
                  new DataType.Struct(new Schema(List.of(Field.optional("id", Primitive.LONG)))))));

  private static AggregateFunction parse(String call) {
    return AggregateFunction.parse("out", call, ORDERS);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "count(*)                      | long",
        "count(name)                   | long",
        "count(tags)                   | long",
        "count(customer)               | long",
        "sum(quantity)                 | long",
        "sum(user_id)                  | long",
        "sum(weight)                   | double",
        "sum(score)                    | double",
        "sum(amount)                   | decimal(38,2)",
        "avg(quantity)                 | double",
        "avg(user_id)                  | double",
        "avg(weight)                   | double",
        "avg(amount)                   | double",
        "min(quantity)                 | int",
        "max(amount)                   | decimal(10,2)",
        "min(name)                     | string",
        "max(day)                      | date",
        "max(event_time)               | timestamp",
        "first(flag)                   | boolean",
        "last(payload)                 | binary",
        "first(amount)                 | decimal(10,2)",
        "count_distinct(name)          | long",
        "count_distinct(score)         | long",
        "approx_count_distinct(amount) | long",
        "approx_count_distinct(flag)   | long",
      })
  void derivesTheResultType(String call, String resultType) {
    assertThat(parse(call).resultType().toString()).isEqualTo(resultType);
  }

  @Test
  void readsFunctionNamesInAnyCaseAndToleratesWhitespace() {
    AggregateFunction function = AggregateFunction.parse("revenue", " SUM ( amount ) ", ORDERS);

    assertThat(function.outputName()).isEqualTo("revenue");
    assertThat(function.resultType()).isEqualTo(new DataType.Decimal(38, 2));
    assertThat(function).hasToString("revenue: sum(amount)");
    assertThat(AggregateFunction.parse("n", "Count( * )", ORDERS)).hasToString("n: count(*)");
    assertThat(parse("Approx_Count_Distinct(name)"))
        .hasToString("out: approx_count_distinct(name)");
  }

  @Test
  void aggregatesTheNamedColumn() {
    AggregateFunction max = parse("max(quantity)");
    Accumulator accumulator = max.newAccumulator();
    Object[] values = new Object[ORDERS.size()];
    for (int quantity : new int[] {3, 9, 4}) {
      values[0] = quantity;
      values[1] = 100L - quantity;
      accumulator.add(new Row(values.clone()), 0);
    }

    assertThat(accumulator.result()).isEqualTo(9);
  }

  @Test
  void suggestsTheFunctionAMisspelledNameMeant() {
    assertThatThrownBy(() -> parse("summ(amount)"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "unknown aggregate function \"summ\" (did you mean sum?); expected one of count, sum,"
                + " min, max, avg, first, last, count_distinct, approx_count_distinct");
    assertThatThrownBy(() -> parse("CountDistinct(name)"))
        .hasMessage(
            "unknown aggregate function \"CountDistinct\" (did you mean count_distinct?); expected"
                + " one of count, sum, min, max, avg, first, last, count_distinct,"
                + " approx_count_distinct");
    assertThatThrownBy(() -> parse("median(amount)"))
        .hasMessage(
            "unknown aggregate function \"median\"; expected one of count, sum, min, max, avg,"
                + " first, last, count_distinct, approx_count_distinct");
  }

  @Test
  void namesTheColumnsWhenTheColumnIsUnknown() {
    Schema abc =
        new Schema(
            List.of(
                Field.optional("a", Primitive.LONG),
                Field.optional("b", Primitive.LONG),
                Field.optional("c", Primitive.LONG)));

    assertThatThrownBy(() -> AggregateFunction.parse("x", "sum(amount2)", abc))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no column \"amount2\" (columns: a, b, c)");
    assertThatThrownBy(() -> AggregateFunction.parse("x", "sum(a)", new Schema(List.of())))
        .hasMessage("no column \"a\" (columns: none)");
    assertThatThrownBy(() -> parse("sum(amuont)"))
        .hasMessage(
            "no column \"amuont\", did you mean \"amount\"? (columns: quantity, user_id, weight,"
                + " score, amount, name, flag, payload, day, event_time, tags, customer)");
    assertThatThrownBy(() -> parse("count(Name)"))
        .hasMessageStartingWith("no column \"Name\", did you mean \"name\"?");
  }

  @Test
  void rejectsColumnTypesAFunctionCannotAggregate() {
    assertThatThrownBy(() -> parse("sum(name)"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("sum needs a numeric column, but \"name\" is string");
    assertThatThrownBy(() -> parse("avg(day)"))
        .hasMessage("avg needs a numeric column, but \"day\" is date");
    assertThatThrownBy(() -> parse("max(flag)"))
        .hasMessage(
            "max needs a numeric, string, date or timestamp column, but \"flag\" is boolean");
    assertThatThrownBy(() -> parse("min(payload)"))
        .hasMessage(
            "min needs a numeric, string, date or timestamp column, but \"payload\" is binary");
    assertThatThrownBy(() -> parse("first(tags)"))
        .hasMessage("first needs a primitive or decimal column, but \"tags\" is list<string>");
    assertThatThrownBy(() -> parse("count_distinct(customer)"))
        .hasMessage(
            "count_distinct needs a primitive or decimal column, but \"customer\" is struct");
    assertThatThrownBy(() -> parse("approx_count_distinct(tags)"))
        .hasMessage(
            "approx_count_distinct needs a primitive or decimal column, but \"tags\" is"
                + " list<string>");
  }

  @Test
  void explainsTheShapeOfACall() {
    assertThatThrownBy(() -> parse("sum amount"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("expected function(column), e.g. sum(amount): \"sum amount\"");
    assertThatThrownBy(() -> parse("sum(max(amount))"))
        .hasMessage("expected function(column), e.g. sum(amount): \"sum(max(amount))\"");
    assertThatThrownBy(() -> parse(""))
        .hasMessage("expected function(column), e.g. sum(amount): \"\"");
    assertThatThrownBy(() -> parse("sum(*)"))
        .hasMessage("only count takes *, sum needs a column, e.g. sum(amount): \"sum(*)\"");
    assertThatThrownBy(() -> parse("sum( )"))
        .hasMessage("sum needs a column, e.g. sum(amount): \"sum( )\"");
    assertThatThrownBy(() -> parse("count()"))
        .hasMessage("count needs a column, e.g. count(*) or count(amount): \"count()\"");
    assertThatThrownBy(() -> parse("count(DISTINCT user_id)"))
        .hasMessage(
            "write count_distinct(user_id) to count distinct values: \"count(DISTINCT user_id)\"");
  }
}
