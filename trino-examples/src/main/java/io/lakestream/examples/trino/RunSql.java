package io.lakestream.examples.trino;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs one SQL file of {@code trino-examples/sql} against Trino through the {@code trino-jdbc}
 * driver and prints the result as a table. A file holds one statement; {@code ${NAME}} in it is
 * replaced by the value of a {@code NAME=VALUE} argument.
 *
 * <pre>
 * java -cp trino-jdbc-476.jar trino-examples/src/main/java/io/lakestream/examples/trino/RunSql.java \
 *     jdbc:trino://localhost:8080 trino-examples/sql/time-travel.sql SNAPSHOT_ID=123
 * </pre>
 *
 * <p>It needs nothing but the driver, so Java runs it straight from its source file.
 */
public final class RunSql {
  private static final Pattern PARAMETER = Pattern.compile("\\$\\{([A-Z_][A-Z0-9_]*)}");

  private RunSql() {}

  /** {@code RunSql JDBC_URL SQL_FILE [NAME=VALUE ...]}; the user is {@code $USER}. */
  public static void main(String[] args) throws IOException, SQLException {
    if (args.length < 2) {
      System.err.println("Usage: RunSql JDBC_URL SQL_FILE [NAME=VALUE ...]");
      System.err.println("  e.g. RunSql jdbc:trino://localhost:8080 sql/cdc-latest-state.sql");
      System.exit(2);
    }
    Map<String, String> parameters = new LinkedHashMap<>();
    for (int i = 2; i < args.length; i++) {
      String[] nameAndValue = args[i].split("=", 2);
      if (nameAndValue.length != 2) {
        System.err.println("Not NAME=VALUE: " + args[i]);
        System.exit(2);
      }
      parameters.put(nameAndValue[0], nameAndValue[1]);
    }
    String statement;
    try {
      statement = sql(Path.of(args[1]), parameters);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    String user = System.getProperty("user.name", "trino");
    try (Connection c = DriverManager.getConnection(args[0], user, null)) {
      print(query(c, statement));
    }
  }

  /**
   * The statement of a SQL file: parameters replaced, the final semicolon (which Trino's command
   * line wants and JDBC refuses) removed.
   *
   * @throws IllegalArgumentException if the file names a parameter without a value
   */
  public static String sql(Path file, Map<String, String> parameters) throws IOException {
    String text = Files.readString(file).strip();
    if (text.endsWith(";")) {
      text = text.substring(0, text.length() - 1);
    }
    Matcher m = PARAMETER.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = parameters.get(m.group(1));
      if (value == null) {
        throw new IllegalArgumentException(
            file + " needs a value for " + m.group(1) + ": pass " + m.group(1) + "=...");
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** Runs a query; returns the column names, then one list per row, every value as a string. */
  public static List<List<String>> query(Connection c, String sql) throws SQLException {
    List<List<String>> rows = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      ResultSetMetaData meta = r.getMetaData();
      List<String> header = new ArrayList<>();
      for (int i = 1; i <= meta.getColumnCount(); i++) {
        header.add(meta.getColumnLabel(i));
      }
      rows.add(header);
      while (r.next()) {
        List<String> row = new ArrayList<>();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
          row.add(r.getString(i));
        }
        rows.add(row);
      }
    }
    return rows;
  }

  private static void print(List<List<String>> rows) {
    int[] widths = new int[rows.get(0).size()];
    for (List<String> row : rows) {
      for (int i = 0; i < row.size(); i++) {
        widths[i] = Math.max(widths[i], String.valueOf(row.get(i)).length());
      }
    }
    for (int n = 0; n < rows.size(); n++) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < widths.length; i++) {
        line.append(i == 0 ? "" : " | ")
            .append(String.format("%-" + widths[i] + "s", rows.get(n).get(i)));
      }
      System.out.println(line.toString().stripTrailing());
      if (n == 0) {
        System.out.println("-".repeat(line.toString().stripTrailing().length()));
      }
    }
    System.out.println("(" + (rows.size() - 1) + (rows.size() == 2 ? " row)" : " rows)"));
  }
}
