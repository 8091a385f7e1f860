package io.lakestream.cli;

import io.lakestream.cli.logging.LogFormat;
import io.lakestream.cli.logging.LogLevel;
import io.lakestream.cli.logging.Logback;
import io.lakestream.core.error.Failures;
import io.lakestream.core.error.PipelineException;
import io.lakestream.core.spec.SpecException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The {@code lakestream} command: one subcommand per task, no business logic of its own. */
@Command(
    name = "lakestream",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = {
      "Real-time lakehouse ingestion: Kafka topics and PostgreSQL changes into Apache Iceberg"
          + " tables, exactly once, from one YAML pipeline spec.",
      "",
      "Start with:  lakestream quickstart"
    },
    subcommands = {
      QuickstartCommand.class,
      ValidateCommand.class,
      RunCommand.class,
      BackfillCommand.class,
      StatusCommand.class,
      TablesCommand.class,
      DescribeCommand.class,
      MaintainCommand.class,
      ScheduleCommand.class,
      BenchCommand.class,
      TrinoCatalogCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Lakestream {
  private static final Logger LOG = LoggerFactory.getLogger(Lakestream.class);

  /** Exit code of a run that stopped on an error or a bad record. */
  static final int EXIT_FAILED = 1;

  /** Exit code of an invalid spec or command line. */
  static final int EXIT_INVALID = 2;

  @Option(
      names = "--log-level",
      paramLabel = "LEVEL",
      scope = ScopeType.INHERIT,
      description =
          "Level of lakestream's own log lines: ${COMPLETION-CANDIDATES}. Default: INFO, or"
              + " LAKESTREAM_LOG_LEVEL. Libraries keep the levels of logback.xml.")
  LogLevel logLevel;

  @Option(
      names = "--quiet",
      scope = ScopeType.INHERIT,
      description = "Only warnings and errors, and no status lines (same as --log-level WARN).")
  boolean quiet;

  @Option(
      names = "--log-format",
      paramLabel = "FORMAT",
      scope = ScopeType.INHERIT,
      description =
          "text, or json (one JSON object per line, for log shippers). Default: text, or"
              + " LAKESTREAM_LOG_FORMAT.")
  LogFormat logFormat;

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the command line and returns its exit code. */
  static int execute(String... args) {
    return commandLine().execute(args);
  }

  /**
   * How often a command prints its status line: {@code interval}, or never with {@code --quiet}.
   */
  Duration statusInterval(Duration interval) {
    return quiet ? Duration.ZERO : interval;
  }

  /** Applies the logging options before the command runs. */
  private void configureLogging() {
    if (logFormat != null) {
      Logback.useFormat(logFormat);
    }
    if (quiet) {
      Logback.setLakestreamLevel(LogLevel.WARN);
    } else if (logLevel != null) {
      Logback.setLakestreamLevel(logLevel);
    }
  }

  /**
   * The command line with lakestream's error handling: user mistakes print a message, no trace;
   * every printed message has its secrets masked. Every subcommand takes {@code -h}/{@code --help}.
   */
  static CommandLine commandLine() {
    Lakestream lakestream = new Lakestream();
    CommandLine cli = new CommandLine(lakestream);
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setExecutionStrategy(
        parseResult -> {
          lakestream.configureLogging();
          return new CommandLine.RunLast().execute(parseResult);
        });
    for (CommandLine sub : cli.getSubcommands().values()) {
      CommandSpec spec = sub.getCommandSpec();
      if (spec.optionsMap().get("--help") == null) {
        spec.addOption(
            OptionSpec.builder("-h", "--help")
                .usageHelp(true)
                .description("Show this help message and exit.")
                .build());
      }
    }
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          PrintWriter err = commandLine.getErr();
          if (e instanceof SpecException spec) {
            err.println(UserMessages.clean(spec.getMessage()));
            return EXIT_INVALID;
          }
          if (e instanceof PipelineException || e instanceof UncheckedIOException) {
            err.println("error: " + UserMessages.of(e));
            return EXIT_FAILED;
          }
          if (e instanceof RuntimeException) {
            String advice = Failures.advice(e);
            err.println(
                "error: "
                    + UserMessages.clean(Failures.describe(e))
                    + (advice.isEmpty() ? "" : ". " + advice));
            LOG.debug("The failure in full", e);
            return EXIT_FAILED;
          }
          throw e;
        });
    return cli;
  }
}
