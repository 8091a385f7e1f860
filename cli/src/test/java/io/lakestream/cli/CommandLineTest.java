package io.lakestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/** The command line itself: help on every command, and errors said in words. */
class CommandLineTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = Lakestream.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  static List<String> commands() {
    return List.of(
        "quickstart", "validate", "run", "tables", "describe", "bench", "trino-catalog", "help");
  }

  @ParameterizedTest
  @MethodSource("commands")
  void everyCommandShowsItsHelpWithHelpAndH(String command) {
    assertThat(run(command, "--help")).as(err.toString()).isZero();
    String help = out.toString();
    out.getBuffer().setLength(0);
    assertThat(run(command, "-h")).as(err.toString()).isZero();

    assertThat(help).contains("Usage: lakestream " + command).isEqualTo(out.toString());
    assertThat(err.toString()).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("commands")
  void helpTextIsFormattedAndWrappedByPicocli(String command) {
    run("help", command);

    String help = out.toString();
    assertThat(help).doesNotContain("%n").doesNotContain("%%");
    // a hard-wrapped description re-wrapped by picocli leaves a line of one or two words
    assertThat(help.lines().filter(l -> !l.isBlank() && l.strip().split(" ").length <= 2))
        .allMatch(l -> l.startsWith(" ") || l.startsWith("Usage:") || l.endsWith(":"));
  }

  @Test
  void benchHelpShowsPercentSigns() {
    run("help", "bench");

    assertThat(out.toString()).contains("10% of the records are redeliveries");
  }

  @Test
  void benchNamesTheSinksItKnows() {
    int code = run("bench", "--sink", "delta");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString())
        .startsWith(
            "Invalid value for option '--sink': 'delta' is not a sink; use iceberg, hudi-cow,"
                + " hudi-mor\n");
  }

  @Test
  void benchRefusesIcebergMaintenanceOnAHudiTable() {
    int code = run("bench", "--sink", "hudi-mor", "--workload", "cdc", "--compact");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString())
        .startsWith(
            "--compact needs --sink iceberg: it runs Iceberg maintenance or an Iceberg branch\n");
  }

  @Test
  void aBadDurationIsSaidInWords() {
    int code = run("run", "--status-interval", "fast", "spec.yaml");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString())
        .startsWith(
            "Invalid value for option '--status-interval': 'fast' is not a duration; use e.g."
                + " 10s, 1m, 500ms\n")
        .doesNotContain("java.");
  }

  @Test
  void anIoFailureNamesTheFileAndWhatHappened() {
    UncheckedIOException e =
        new UncheckedIOException(
            "Cannot open the state directory state/orders",
            new AccessDeniedException("state/orders"));

    assertThat(UserMessages.of(e))
        .isEqualTo("Cannot open the state directory state/orders: state/orders: permission denied");
  }

  @Test
  void messagesOfLibrariesLoseClassNamesAndSecrets() {
    IOException e =
        new IOException(
            "java.sql.SQLException: cannot connect to jdbc:postgresql://db/cat?password=hunter2");

    assertThat(UserMessages.of(e))
        .isEqualTo("cannot connect to jdbc:postgresql://db/cat?password=******");
  }
}
