package io.lakestream.iceberg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.core.error.CommitStateUnknownException;
import io.lakestream.core.error.RetriableException;
import java.net.ConnectException;
import java.sql.SQLException;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.jdbc.UncheckedSQLException;
import org.junit.jupiter.api.Test;

class TransientFaultsTest {

  @Test
  void aCatalogThatDoesNotAnswerOrIsLockedMayPass() {
    // PostgreSQL refusing connections (SQL state 08001), as Iceberg's JDBC catalog wraps it
    assertThat(
            TransientFaults.isTransient(
                new UncheckedSQLException(
                    new SQLException("Connection to 127.0.0.1:5433 refused", "08001"),
                    "Failed to get table")))
        .isTrue();
    // PostgreSQL shutting down (57P01 terminating connection due to administrator command)
    assertThat(TransientFaults.isTransient(new RuntimeException(new SQLException("x", "57P01"))))
        .isTrue();
    // SQLite held by another process
    assertThat(
            TransientFaults.isTransient(
                new UncheckedSQLException(
                    new SQLException("[SQLITE_BUSY] The database file is locked"), "commit")))
        .isTrue();
    assertThat(TransientFaults.isTransient(new RuntimeException(new ConnectException("refused"))))
        .isTrue();
    assertThat(TransientFaults.isTransient(new CommitFailedException("base changed"))).isTrue();
  }

  @Test
  void mistakesAndUnknownCommitStatesDoNot() {
    assertThat(TransientFaults.isTransient(new NoSuchTableException("no table lake.orders")))
        .isFalse();
    assertThat(TransientFaults.isTransient(new RuntimeException(new SQLException("bad", "42P01"))))
        .isFalse();
    assertThat(
            TransientFaults.isTransient(
                new CommitStateUnknownException("unknown", new ConnectException("refused"))))
        .isFalse();
  }

  @Test
  void wrapsOnlyWhatMayPass() {
    assertThatThrownBy(
            () ->
                TransientFaults.retriable(
                    "Cannot commit checkpoint 3 to table lake.orders",
                    () -> {
                      throw new CommitFailedException("base changed");
                    }))
        .isInstanceOf(RetriableException.class)
        .hasMessage("Cannot commit checkpoint 3 to table lake.orders: base changed");
    assertThatThrownBy(
            () ->
                TransientFaults.retriable(
                    "x",
                    () -> {
                      throw new NoSuchTableException("gone");
                    }))
        .isInstanceOf(NoSuchTableException.class);
  }
}
