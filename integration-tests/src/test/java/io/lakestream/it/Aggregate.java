package io.lakestream.it;

/**
 * One aggregate of a window step: {@code name: function(column)}, e.g. {@code orders: count(*)}.
 */
record Aggregate(String name, String function, String column) {

  /** Parses {@code function(column)}. */
  static Aggregate of(String name, String expression) {
    int open = expression.indexOf('(');
    if (open < 0 || !expression.endsWith(")")) {
      throw new IllegalArgumentException("Not an aggregate expression: " + expression);
    }
    return new Aggregate(
        name,
        expression.substring(0, open),
        expression.substring(open + 1, expression.length() - 1));
  }

  String expression() {
    return function + "(" + column + ")";
  }
}
