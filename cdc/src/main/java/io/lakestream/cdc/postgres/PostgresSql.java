package io.lakestream.cdc.postgres;

/** Quoting of identifiers in the SQL a PostgreSQL source sends. */
final class PostgresSql {
  private PostgresSql() {}

  static String quote(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }

  /** {@code schema.table} as a quoted, qualified name. */
  static String quoteTable(String qualified) {
    int dot = qualified.indexOf('.');
    return quote(qualified.substring(0, dot)) + "." + quote(qualified.substring(dot + 1));
  }
}
