package io.lakestream.cli.logging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestream.cli.embedded.ChildBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped logback.xml and the CLI's logging options, in real child JVMs. */
class LoggingConfigurationTest {
  private static final String CLI = "io.lakestream.cli.Lakestream";
  private static final String CATALOG_LOADED =
      "INFO  [main] io.lakestream.catalog.Catalogs - Loaded Iceberg catalog lakestream (";
  private static final String TIMESTAMP = "\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}\\.\\d{3} ";

  @TempDir Path dir;

  private JvmRun tables(Map<String, String> env, String... options) throws Exception {
    Files.createDirectories(dir.resolve("warehouse"));
    String[] args = new String[options.length + 3];
    args[0] = "tables";
    args[1] = "--warehouse";
    args[2] = "warehouse";
    System.arraycopy(options, 0, args, 3, options.length);
    return JvmRun.of(dir, env, CLI, args);
  }

  @Test
  void logsLakestreamAtInfoWithWallClockTimestampsOnStderr() throws Exception {
    JvmRun run = tables(Map.of());

    assertThat(run.exitCode()).isZero();
    assertThat(run.stdout()).isEmpty();
    assertThat(run.stderr())
        .hasSize(2)
        .anySatisfy(line -> assertThat(line).matches(TIMESTAMP + "\\Q" + CATALOG_LOADED + "\\E.*"))
        .contains("No tables in this catalog.");
  }

  @Test
  void quietLeavesOutInfoLines() throws Exception {
    JvmRun run = tables(Map.of(), "--quiet");

    assertThat(run.exitCode()).isZero();
    assertThat(run.stderr()).containsExactly("No tables in this catalog.");
  }

  @Test
  void logLevelOptionOverridesTheEnvironment() throws Exception {
    JvmRun run = tables(Map.of("LAKESTREAM_LOG_LEVEL", "DEBUG"), "--log-level", "warn");

    assertThat(run.stderr()).containsExactly("No tables in this catalog.");
  }

  @Test
  void environmentSetsTheLevelWithoutOptions() throws Exception {
    JvmRun run = tables(Map.of("LAKESTREAM_LOG_LEVEL", "ERROR"));

    assertThat(run.stderr()).containsExactly("No tables in this catalog.");
  }

  @Test
  void jsonFormatWritesOneObjectPerLine() throws Exception {
    for (JvmRun run :
        new JvmRun[] {
          tables(Map.of(), "--log-format", "json"), tables(Map.of("LAKESTREAM_LOG_FORMAT", "json"))
        }) {
      assertThat(run.stderr()).hasSize(2).contains("No tables in this catalog.");
      String line = run.stderr().stream().filter(l -> l.startsWith("{")).findFirst().orElseThrow();
      JsonNode event = new ObjectMapper().readTree(line);
      assertThat(event.get("level").asText()).isEqualTo("INFO");
      assertThat(event.get("loggerName").asText()).isEqualTo("io.lakestream.catalog.Catalogs");
      assertThat(event.get("message").asText()).isEqualTo("Loaded Iceberg catalog {} ({})");
    }
  }

  @Test
  void embeddedBrokerLogsOnlyItsStartAndStop() throws Exception {
    Path log;
    String servers;
    try (ChildBroker broker = ChildBroker.start(dir.resolve("broker"), 0)) {
      log = broker.logFile();
      servers = broker.bootstrapServers();
    }

    assertThat(Files.readAllLines(log))
        .satisfiesExactly(
            ready ->
                assertThat(ready)
                    .matches(TIMESTAMP + "INFO .*")
                    .endsWith(
                        "EmbeddedKafkaBroker - Kafka broker ready at "
                            + servers
                            + " with data in "
                            + dir.resolve("broker")),
            stopped ->
                assertThat(stopped)
                    .endsWith("EmbeddedKafkaBroker - Kafka broker at " + servers + " stopped"));
  }
}
