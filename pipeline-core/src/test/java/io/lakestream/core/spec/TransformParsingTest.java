package io.lakestream.core.spec;

import static io.lakestream.core.spec.SpecParserTest.problemsOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.core.record.DataType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TransformParsingTest {

  /** A valid spec with columns id, amount, customer{id, name} and tags, then {@code steps}. */
  static String withSteps(String steps) {
    return """
        pipeline: p
        source:
          kafka: {bootstrap-servers: embedded, topics: [t]}
        sink:
          test: {table: a.b}
        schema:
          fields:
            - {name: id, type: long}
            - {name: amount, type: "decimal(10,2)"}
            - {name: customer, type: struct, fields: [{name: id, type: long}, {name: name, type: string}]}
            - {name: tags, type: list, element: string}
        transforms:
        """
        + steps.indent(2);
  }

  @Test
  void eachStepSeesTheColumnsThePreviousStepsLeave() {
    PipelineSpec spec =
        SpecParser.parse(
            withSteps(
                """
                - rename: {id: order_id, amount: total}
                - compute: {name: cents, type: long, expr: "total * 100"}
                - filter: "cents > 0 && order_id != null && customer.name != ''"
                - cast: {cents: double}
                - project: [cents, order_id]
                - filter: "cents > 1.5"
                """));

    assertThat(spec.transforms())
        .containsExactly(
            new TransformSpec.Rename(Map.of("id", "order_id", "amount", "total")),
            new TransformSpec.Compute("cents", DataType.Primitive.LONG, "total * 100"),
            new TransformSpec.Filter("cents > 0 && order_id != null && customer.name != ''"),
            new TransformSpec.Cast(Map.of("cents", DataType.Primitive.DOUBLE)),
            new TransformSpec.Project(List.of("cents", "order_id")),
            new TransformSpec.Filter("cents > 1.5"));
  }

  @Test
  void namesThatAStepRemovedAreUnknownAfterIt() {
    assertThat(
            problemsOf(
                withSteps(
                    """
                    - rename: {id: order_id}
                    - filter: "id > 0"
                    - project: [amount]
                    - filter: "order_id > 0"
                    """)))
        .containsExactly(
            "transforms[1].filter: unknown field \"id\" (fields: order_id, amount, customer,"
                + " tags)",
            "transforms[3].filter: unknown field \"order_id\" (fields: amount)");
  }

  @Test
  void checksPathsIntoStructColumns() {
    assertThat(
            problemsOf(
                withSteps(
                    """
                    - filter: "customer.nmae != '' && amount.scale > 0 && tags[0] != ''"
                    """)))
        .containsExactly(
            "transforms[0].filter: unknown field \"customer.nmae\", did you mean"
                + " \"customer.name\"? (fields of customer: id, name)",
            "transforms[0].filter: unknown field \"amount.scale\" (amount is a decimal(10,2),"
                + " not a struct)");
  }

  @Test
  void reportsComputeMistakes() {
    assertThat(
            problemsOf(
                withSteps(
                    """
                    - compute: {name: amount, type: long, expr: "id + 1"}
                    - compute: {name: "big cents", type: struct, expr: "id +"}
                    - compute: {name: x, typ: long}
                    - compute: "id + 1"
                    """)))
        .containsExactly(
            "transforms[0].compute.name: column \"amount\" already exists",
            "transforms[1].compute.name: must be letters, digits and _, not starting with a digit"
                + " (got \"big cents\")",
            "transforms[1].compute.type: must be a primitive or decimal type (got \"struct\")",
            "transforms[1].compute.expr: cannot parse \"id +\": parsing error in '+' (column 4)",
            "transforms[2].compute.typ: unknown key, did you mean \"type\"? (known: name, type,"
                + " expr)",
            "transforms[2].compute.type: is required",
            "transforms[2].compute.expr: is required",
            "transforms[3].compute: must be a map (got \"id + 1\")");
  }

  @Test
  void reportsRenameMistakes() {
    assertThat(
            problemsOf(
                withSteps(
                    """
                    - rename: {nope: x, id: amount, tags: "bad name", customer: ~}
                    - rename: {id: a, amount: a}
                    - rename: {}
                    """)))
        .containsExactly(
            "transforms[0].rename.nope: unknown field \"nope\" (fields: id, amount, customer,"
                + " tags)",
            "transforms[0].rename.id: column \"amount\" already exists",
            "transforms[0].rename.tags: must be letters, digits and _, not starting with a digit"
                + " (got \"bad name\")",
            "transforms[0].rename.customer: needs the new name",
            "transforms[1].rename.amount: another column is renamed to \"a\" too",
            "transforms[2].rename: must not be empty");
  }

  @Test
  void renameMaySwapTwoColumns() {
    PipelineSpec spec =
        SpecParser.parse(withSteps("- rename: {id: amount, amount: id}\n- filter: \"id > 0\"\n"));

    assertThat(spec.transforms().get(0))
        .isEqualTo(new TransformSpec.Rename(Map.of("id", "amount", "amount", "id")));
  }

  @Test
  void reportsCastAndProjectMistakes() {
    assertThat(
            problemsOf(
                withSteps(
                    """
                    - cast: {customer: string, amount: "decimal(50,2)", nope: int, id: 5}
                    - project: [id, id, 7, tag]
                    - project: []
                    """)))
        .containsExactly(
            "transforms[0].cast.customer: only primitive and decimal columns can be cast"
                + " (customer is a struct)",
            "transforms[0].cast.amount: decimal precision must be between 1 and 38"
                + " (got \"decimal(50,2)\")",
            "transforms[0].cast.nope: unknown field \"nope\" (fields: id, amount, customer, tags)",
            "transforms[0].cast.id: must be a string (got 5)",
            "transforms[1].project[1]: duplicate column \"id\"",
            "transforms[1].project[2]: must be a string (got 7)",
            "transforms[1].project[3]: unknown field \"tag\", did you mean \"tags\"? (fields: id,"
                + " amount, customer, tags)",
            "transforms[2].project: must not be empty");
  }

  @Test
  void reportsMalformedSteps() {
    assertThat(
            problemsOf(
                withSteps(
                    """
                    - "id > 0"
                    - {filter: "id > 0", project: [id]}
                    - filter: ~
                    - filter: ""
                    - filter: "x = 1"
                    - filter: "id > 0; id < 5"
                    """)))
        .containsExactly(
            "transforms[0]: must be a map with one key, the kind of step: filter, compute, rename,"
                + " cast, project, dedupe, window (got \"id > 0\")",
            "transforms[1]: must be a map with one key, the kind of step: filter, compute, rename,"
                + " cast, project, dedupe, window (got filter, project)",
            "transforms[2].filter: is required",
            "transforms[3].filter: must not be empty",
            "transforms[4].filter: cannot parse \"x = 1\": not allowed in an expression: global"
                + " assign/modify error in 'x' (column 1)",
            "transforms[5].filter: cannot parse \"id > 0; id < 5\": parsing error in ';'"
                + " (column 7)");
  }

  @Test
  void transformsMustBeAList() {
    assertThat(problemsOf(withSteps("").replace("transforms:\n", "transforms: {filter: x}\n")))
        .containsExactly("transforms: must be a list of steps (got a map)");
  }

  @Test
  void aSchemaFieldWithABadTypeIsStillAKnownColumn() {
    assertThat(
            problemsOf(
                withSteps("- filter: \"bad > 0\"\n")
                    .replace("- {name: id, type: long}", "- {name: bad, type: lnog}")))
        .containsExactly(
            "schema.fields[0].type: unknown type \"lnog\", did you mean \"long\"? (types: boolean,"
                + " int, long, float, double, string, binary, date, timestamp, decimal(p,s),"
                + " struct, list)");
  }
}
