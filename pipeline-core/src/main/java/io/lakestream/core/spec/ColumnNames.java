package io.lakestream.core.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Sink options that name top-level columns: a key, partition columns, an ordering field. */
public final class ColumnNames {
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private ColumnNames() {}

  /** Whether {@code value} is a top-level column name. */
  public static boolean isName(Object value) {
    return value instanceof String s && NAME.matcher(s).matches();
  }

  /**
   * The column names of the list at {@code path.key}: a non-empty list of distinct top-level names.
   * Each wrong entry is a problem at its own path; an empty list is returned for a value that is
   * not such a list.
   *
   * @param example an example value for the message, e.g. {@code [order_id]}
   */
  public static List<String> list(
      Object value, String path, String key, String example, Problems problems) {
    String where = path + "." + key;
    if (!(value instanceof List<?> entries) || entries.isEmpty()) {
      problems.add(
          where,
          "must be a non-empty list of column names, e.g. " + example + " (given " + value + ")");
      return List.of();
    }
    List<String> columns = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      Object entry = entries.get(i);
      String entryPath = where + "[" + i + "]";
      if (!isName(entry)) {
        problems.add(entryPath, "must be a top-level column name (given " + entry + ")");
      } else if (columns.contains((String) entry)) {
        problems.add(entryPath, "duplicates " + key + "[" + columns.indexOf((String) entry) + "]");
      } else {
        columns.add((String) entry);
      }
    }
    return List.copyOf(columns);
  }
}
