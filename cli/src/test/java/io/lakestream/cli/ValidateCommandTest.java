package io.lakestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ValidateCommandTest {
  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = Lakestream.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void listsEveryProblemWithItsPathAndExitsTwo() throws Exception {
    Path spec = dir.resolve("bad.yaml");
    Files.writeString(
        spec,
        String.join(
            "\n",
            "pipeline: orders",
            "source:",
            "  kafka:",
            "    bootstrap-servers: localhost:9092",
            "    topics: [orders]",
            "    start: yesterday",
            "schema:",
            "  fields:",
            "    - {name: event_id, type: lng}",
            "sink:",
            "  iceberg:",
            "    table: analytics.orders",
            "    partition-by: [\"day(event_id)\", \"hour2(event_id)\"]",
            "checkpoint: {interval: soon}",
            ""));

    int code = run("validate", spec.toString());

    assertThat(code).isEqualTo(2);
    String message = err.toString();
    assertThat(message).contains("source.kafka.start: ");
    assertThat(message).contains("schema.fields[0].type: ");
    assertThat(message).contains("sink.iceberg.partition-by[1]: unknown transform \"hour2\"");
    assertThat(message).contains("checkpoint.interval: ");
    assertThat(message).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void acceptsTheQuickstartSpec() {
    int code = run("validate", Path.of("../examples/quickstart.yaml").toString());

    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString()).contains("pipeline quickstart-orders reads topics orders");
  }

  @Test
  void helpListsEveryCommand() {
    int code = run("--help");

    assertThat(code).isZero();
    assertThat(out.toString())
        .contains("quickstart", "validate", "run", "tables", "describe", "bench");
  }
}
