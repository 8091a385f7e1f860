package io.lakestream.core.transform;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.commons.jexl3.JexlArithmetic;
import org.apache.commons.jexl3.JexlBuilder;
import org.apache.commons.jexl3.JexlEngine;
import org.apache.commons.jexl3.JexlException;
import org.apache.commons.jexl3.JexlExpression;
import org.apache.commons.jexl3.JexlFeatures;
import org.apache.commons.jexl3.JexlInfo;
import org.apache.commons.jexl3.JexlScript;
import org.apache.commons.jexl3.introspection.JexlPermissions;

/**
 * Compiles the expressions of {@code filter} and {@code compute} steps with Apache Commons JEXL, on
 * one shared engine that is safe to use from every task thread.
 *
 * <p>The engine is locked down, because an expression comes from a spec file, not from code:
 *
 * <ul>
 *   <li>{@link JexlPermissions#RESTRICTED}: no reflection, class loading, processes, files or
 *       threads; methods of ordinary values ({@code name.toUpperCase()}) remain callable;
 *   <li>one expression only: no statements, assignments, local variables, loops, lambdas, {@code
 *       new}, pragmas or annotations;
 *   <li>strict: an undefined variable or a null operand is an error, never silently null or false;
 *       errors are thrown, not logged ({@code silent=false});
 *   <li>compiled expressions are cached by their source text.
 * </ul>
 *
 * A variable in an expression names a column of the row; {@code customer.id} names a field of the
 * struct column {@code customer}.
 */
public final class Expressions {
  private static final int CACHE_SIZE = 512;

  private static final JexlFeatures FEATURES =
      new JexlFeatures()
          .sideEffect(false)
          .sideEffectGlobal(false)
          .localVar(false)
          .loops(false)
          .lambda(false)
          .newInstance(false)
          .pragma(false)
          .pragmaAnywhere(false)
          .namespacePragma(false)
          .importPragma(false)
          .annotation(false);

  private static final JexlEngine ENGINE =
      new JexlBuilder()
          .permissions(JexlPermissions.RESTRICTED)
          .features(FEATURES)
          .arithmetic(new JexlArithmetic(true))
          .strict(true)
          .safe(false)
          .silent(false)
          .cache(CACHE_SIZE)
          .create();

  private Expressions() {}

  /**
   * Compiles one expression, such as {@code amount > 0} or {@code amount * 100}.
   *
   * @throws InvalidExpressionException if the text is not one expression in the allowed language: a
   *     syntax error, or a feature the sandbox leaves out (assignment, loops, ...)
   */
  public static JexlScript compile(String source) {
    JexlInfo info = new JexlInfo("expression", 1, 1);
    try {
      // createExpression accepts exactly one expression, so "a; b" and "if (...) ..." fail here
      JexlExpression expression = ENGINE.createExpression(info, source);
      return expression instanceof JexlScript script ? script : ENGINE.createScript(info, source);
    } catch (JexlException e) {
      throw new InvalidExpressionException(source, e);
    }
  }

  /**
   * The variables an expression reads, each as a path: {@code amount} is {@code [amount]}, {@code
   * customer.id} and {@code customer['id']} are {@code [customer, id]}, {@code tags[0]} is {@code
   * [tags, 0]}; in the order they first appear.
   */
  public static Set<List<String>> variablePaths(JexlScript script) {
    Set<List<String>> paths = new LinkedHashSet<>();
    for (List<String> path : script.getVariables()) {
      paths.add(List.copyOf(path));
    }
    return paths;
  }

  /** The columns an expression reads: the first element of each of its {@link #variablePaths}. */
  public static Set<String> variables(JexlScript script) {
    Set<String> names = new LinkedHashSet<>();
    for (List<String> path : variablePaths(script)) {
      names.add(path.get(0));
    }
    return names;
  }

  /** An expression could not be compiled; the message says why and where. */
  public static final class InvalidExpressionException extends IllegalArgumentException {
    private final String source;
    private final String reason;
    private final int line;
    private final int column;

    InvalidExpressionException(String source, JexlException cause) {
      this(source, cause, cause.getInfo());
    }

    private InvalidExpressionException(String source, JexlException cause, JexlInfo where) {
      this(
          source,
          reasonOf(cause, where),
          where == null ? 0 : where.getLine(),
          where == null ? 0 : where.getColumn(),
          cause);
    }

    private InvalidExpressionException(
        String source, String reason, int line, int column, JexlException cause) {
      super(
          "cannot parse " + quote(source) + ": " + reason + position(source, line, column), cause);
      this.source = source;
      this.reason = reason;
      this.line = line;
      this.column = column;
    }

    /** The expression as given. */
    public String source() {
      return source;
    }

    /** What is wrong, without the expression or the position, e.g. {@code parsing error in '>'}. */
    public String reason() {
      return reason;
    }

    /** The line of the error, from 1; 0 if unknown. */
    public int line() {
      return line;
    }

    /** The column of the error, from 1; 0 if unknown. */
    public int column() {
      return column;
    }

    private static String reasonOf(JexlException e, JexlInfo where) {
      // JEXL's message is "<info> <reason>"; the position is reported separately
      String message = e.getMessage();
      String prefix = where == null ? "" : where.toString();
      if (!prefix.isEmpty() && message.startsWith(prefix)) {
        message = message.substring(prefix.length()).strip();
      }
      if (e instanceof JexlException.Feature) {
        return "not allowed in an expression: " + message;
      }
      return message;
    }

    private static String position(String source, int line, int column) {
      if (line <= 0) {
        return "";
      }
      return source.contains("\n")
          ? " (line " + line + ", column " + column + ")"
          : " (column " + column + ")";
    }

    private static String quote(String text) {
      List<String> parts = new ArrayList<>();
      for (char c : text.toCharArray()) {
        parts.add(
            switch (c) {
              case '"' -> "\\\"";
              case '\\' -> "\\\\";
              case '\n' -> "\\n";
              default -> String.valueOf(c);
            });
      }
      return "\"" + String.join("", parts) + "\"";
    }
  }
}
