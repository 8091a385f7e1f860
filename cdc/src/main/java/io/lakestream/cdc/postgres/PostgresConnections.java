package io.lakestream.cdc.postgres;

import io.lakestream.core.error.PipelineException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import org.postgresql.PGProperty;

/** Opens the connections a PostgreSQL source needs: plain ones and the replication one. */
final class PostgresConnections {
  private PostgresConnections() {}

  static Connection plain(PostgresSourceSpec spec) {
    return open(spec, properties(spec));
  }

  /** A connection in replication mode, for the slot and the stream. */
  static Connection replication(PostgresSourceSpec spec) {
    Properties p = properties(spec);
    PGProperty.REPLICATION.set(p, "database");
    PGProperty.PREFER_QUERY_MODE.set(p, "simple");
    PGProperty.ASSUME_MIN_SERVER_VERSION.set(p, "10");
    return open(spec, p);
  }

  private static Properties properties(PostgresSourceSpec spec) {
    Properties p = new Properties();
    PGProperty.USER.set(p, spec.user());
    if (spec.password() != null) {
      PGProperty.PASSWORD.set(p, spec.password());
    }
    PGProperty.APPLICATION_NAME.set(p, "lakestream");
    return p;
  }

  private static Connection open(PostgresSourceSpec spec, Properties p) {
    try {
      return DriverManager.getConnection(spec.url(), p);
    } catch (SQLException e) {
      throw new PipelineException(
          "Cannot connect to " + spec.url() + " as " + spec.user() + ": " + e.getMessage(), e);
    }
  }
}
