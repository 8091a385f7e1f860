package io.lakestream.core.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.core.transform.Expressions.InvalidExpressionException;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.apache.commons.jexl3.JexlException;
import org.apache.commons.jexl3.JexlScript;
import org.apache.commons.jexl3.MapContext;
import org.junit.jupiter.api.Test;

class ExpressionsTest {

  @Test
  void compilesAndEvaluatesAnExpression() {
    JexlScript script = Expressions.compile("amount * 100");

    Object result = script.execute(new MapContext(Map.of("amount", new BigDecimal("1.25"))));

    assertThat(result).isEqualTo(new BigDecimal("125.00"));
  }

  @Test
  void listsTheVariablesAnExpressionReads() {
    JexlScript script =
        Expressions.compile(
            "customer.id > 0 && amount > 0 && customer['name'] != '' && tags[0] == amount");

    assertThat(Expressions.variablePaths(script))
        .containsExactly(
            List.of("customer", "id"),
            List.of("amount"),
            List.of("customer", "name"),
            List.of("tags", "0"));
    assertThat(Expressions.variables(script)).containsExactly("customer", "amount", "tags");
  }

  @Test
  void reportsASyntaxErrorWithItsPosition() {
    assertThatThrownBy(() -> Expressions.compile("amount >"))
        .isInstanceOfSatisfying(
            InvalidExpressionException.class,
            e -> {
              assertThat(e)
                  .hasMessage("cannot parse \"amount >\": parsing error in '>' (column 8)");
              assertThat(e.source()).isEqualTo("amount >");
              assertThat(e.reason()).isEqualTo("parsing error in '>'");
              assertThat(e.line()).isEqualTo(1);
              assertThat(e.column()).isEqualTo(8);
            });
    assertThatThrownBy(() -> Expressions.compile("a &&\n (b >"))
        .hasMessage("cannot parse \"a &&\\n (b >\": parsing error in '>' (line 2, column 5)");
  }

  @Test
  void acceptsOnlyOneExpression() {
    assertThatThrownBy(() -> Expressions.compile("a; b"))
        .hasMessage("cannot parse \"a; b\": parsing error in ';' (column 2)");
    assertThatThrownBy(() -> Expressions.compile("if (a) b"))
        .hasMessage("cannot parse \"if (a) b\": parsing error in 'if' (column 1)");
  }

  @Test
  void leavesOutAssignmentsLocalVariablesLambdasAndNew() {
    assertThatThrownBy(() -> Expressions.compile("x = 3"))
        .hasMessage(
            "cannot parse \"x = 3\": not allowed in an expression: global assign/modify error in"
                + " 'x' (column 1)");
    for (String source :
        List.of("var y = 1", "(x) -> x", "new('java.io.File', 'x')", "a += 1", "#pragma x 1\n a")) {
      assertThatThrownBy(() -> Expressions.compile(source))
          .as(source)
          .isInstanceOf(InvalidExpressionException.class);
    }
  }

  @Test
  void deniesReflection() {
    JexlScript script = Expressions.compile("s.getClass().forName('java.lang.Runtime')");

    assertThatThrownBy(() -> script.execute(new MapContext(Map.of("s", "x"))))
        .isInstanceOf(JexlException.class);
  }

  @Test
  void isStrictAboutUndefinedVariables() {
    JexlScript script = Expressions.compile("missing > 0");

    assertThatThrownBy(() -> script.execute(new MapContext()))
        .isInstanceOf(JexlException.class)
        .hasMessageContaining("variable 'missing' is undefined");
  }

  @Test
  void allowsMethodsOfValues() {
    JexlScript script = Expressions.compile("name.toUpperCase() == 'ADA' && name.length() == 3");

    assertThat(script.execute(new MapContext(Map.of("name", "ada")))).isEqualTo(true);
  }
}
