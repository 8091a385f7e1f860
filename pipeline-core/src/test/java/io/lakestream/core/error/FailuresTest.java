package io.lakestream.core.error;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class FailuresTest {
  private static final String RESUMES =
      "the run resumes from its last committed checkpoint and nothing is lost.";

  @Test
  void describesTheCauseChainOutermostFirstWithoutRepeats() {
    RuntimeException failure =
        new RuntimeException(
            "Failed to get table it.events from catalog lakestream",
            new SQLException("FATAL: terminating connection due to administrator command"));

    assertThat(Failures.describe(failure))
        .isEqualTo(
            "Failed to get table it.events from catalog lakestream: FATAL: terminating connection"
                + " due to administrator command");
  }

  @Test
  void leavesOutTheFinalPeriodOfEachMessageSoThatAdviceCanFollow() {
    RuntimeException failure =
        new RuntimeException(
            "Failed to connect: jdbc:postgresql://127.0.0.1:5432/catalog",
            new SQLException(
                "Connection to 127.0.0.1:5432 refused. Check that the postmaster is accepting"
                    + " TCP/IP connections."));

    assertThat(Failures.describe(failure))
        .isEqualTo(
            "Failed to connect: jdbc:postgresql://127.0.0.1:5432/catalog: Connection to"
                + " 127.0.0.1:5432 refused. Check that the postmaster is accepting TCP/IP"
                + " connections");
  }

  @Test
  void aDatabaseServerThatWentAwaySaysToCheckIt() {
    RuntimeException stopped =
        new RuntimeException(
            "Failed to get table it.events from catalog lakestream",
            new SQLException(
                "FATAL: terminating connection due to administrator command", "57P01"));
    SQLException refused =
        new SQLException(
            "Connection to 127.0.0.1:5432 refused. Check that the hostname and port are correct",
            "08001");

    String advice =
        "The database server closed the connection or cannot be reached: check that it is up and"
            + " reachable, then run again: "
            + RESUMES;
    assertThat(Failures.advice(stopped)).isEqualTo(advice);
    assertThat(Failures.advice(refused)).isEqualTo(advice);
  }

  @Test
  void aLockedSqliteCatalogSaysWhoHoldsIt() {
    RuntimeException busy =
        new RuntimeException(
            "Failed to get table it.events from catalog lakestream",
            new SQLException("[SQLITE_BUSY] The database file is locked (database is locked)"));

    assertThat(Failures.advice(busy))
        .isEqualTo(
            "Another process holds the SQLite catalog; stop it (or use a PostgreSQL catalog for"
                + " several writers), then run again: "
                + RESUMES);
  }

  @Test
  void runningOutOfMemorySaysHowToGiveMore() {
    assertThat(Failures.advice(new OutOfMemoryError("Java heap space")))
        .startsWith("The pipeline ran out of memory: give it a larger heap (LAKESTREAM_JAVA_OPTS,")
        .endsWith("Then run again: " + RESUMES);
  }

  @Test
  void aFullDiskSaysToFreeSpace() {
    UncheckedIOException full =
        new UncheckedIOException(new IOException("No space left on device"));

    assertThat(Failures.advice(full))
        .isEqualTo("Free space on that disk, then run again: " + RESUMES);
  }

  @Test
  void aFailureWithoutKnownRemedyHasNoAdvice() {
    assertThat(Failures.advice(new IllegalStateException("unexpected", new SQLException("x"))))
        .isEmpty();
  }
}
