package io.lakestream.iceberg;

import io.lakestream.core.error.CommitStateUnknownException;
import io.lakestream.core.error.RetriableException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.http.HttpTimeoutException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.function.Supplier;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.ServiceFailureException;
import org.apache.iceberg.exceptions.ServiceUnavailableException;

/**
 * Which failures of a catalog or of storage may pass by themselves: the server does not answer or
 * is restarting, the database is locked for a moment, a commit lost a race with another writer
 * after Iceberg's own retries. They become {@link RetriableException}s, which the checkpoint
 * coordinator retries; every other failure stays what it is.
 */
final class TransientFaults {
  private TransientFaults() {}

  /** Runs {@code call}, turning a transient failure into a {@link RetriableException}. */
  static <T> T retriable(String what, Supplier<T> call) {
    try {
      return call.get();
    } catch (RuntimeException e) {
      if (isTransient(e)) {
        throw new RetriableException(what + ": " + e.getMessage(), e);
      }
      throw e;
    }
  }

  static boolean isTransient(Throwable failure) {
    if (failure instanceof CommitStateUnknownException || failure instanceof RetriableException) {
      return false; // reconciled by reading the table, or already classified
    }
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof CommitFailedException
          || t instanceof ServiceUnavailableException
          || t instanceof ServiceFailureException
          || t instanceof ConnectException
          || t instanceof NoRouteToHostException
          || t instanceof SocketTimeoutException
          || t instanceof HttpTimeoutException
          || t instanceof SQLTransientException
          || t instanceof SQLRecoverableException) {
        return true;
      }
      if (t instanceof SQLException sql && transientSql(sql)) {
        return true;
      }
    }
    return false;
  }

  /**
   * SQL states of class 08 (connection exception), 57P (the server shuts down or does not take
   * connections yet), 53 (insufficient resources) and 40001 (serialization failure); SQLite's BUSY
   * and LOCKED.
   */
  private static boolean transientSql(SQLException e) {
    String state = e.getSQLState();
    if (state != null
        && (state.startsWith("08")
            || state.startsWith("57P")
            || state.startsWith("53")
            || state.equals("40001"))) {
      return true;
    }
    String message = String.valueOf(e.getMessage());
    return message.contains("SQLITE_BUSY") || message.contains("SQLITE_LOCKED");
  }
}
