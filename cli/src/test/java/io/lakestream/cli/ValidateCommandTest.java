package io.lakestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

  private Path write(String name, String yaml) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, yaml);
    return file;
  }

  private static final String VALID =
      String.join(
          "\n",
          "pipeline: orders",
          "source:",
          "  kafka: {bootstrap-servers: localhost:9092, topics: [orders]}",
          "schema:",
          "  fields: [{name: id, type: long}]",
          "sink:",
          "  iceberg: {table: lake.orders}",
          "");

  @Test
  void validatesEveryFileGivenAndExitsTwoIfAnyIsInvalid() throws Exception {
    Path good = write("good.yaml", VALID);
    Path bad = write("bad.yaml", VALID.replace("lake.orders", "\"lake.*\""));

    int code = run("validate", good.toString(), bad.toString());

    assertThat(code).isEqualTo(2);
    assertThat(out.toString())
        .isEqualTo(
            good
                + " is valid: pipeline orders reads topics orders from localhost:9092 (json),"
                + " applies 0 transforms, writes iceberg table lake.orders\n");
    assertThat(err.toString())
        .isEqualTo(
            bad
                + " is invalid: 1 problem\n"
                + "  sink.iceberg.table: must be namespace.name: a Kafka source writes one table,"
                + " and namespace.* is for sources that write several (got \"lake.*\")\n");
  }

  @Test
  void printsAMachineReadableResultWithJson() throws Exception {
    Path good = write("good.yaml", VALID);
    Path bad = write("bad.yaml", VALID.replace("type: long", "type: lng"));

    int code = run("validate", "--json", good.toString(), bad.toString());

    assertThat(code).isEqualTo(2);
    ObjectMapper json = new ObjectMapper();
    ObjectNode expected = json.createObjectNode().put("valid", false);
    ArrayNode files = expected.putArray("files");
    files.addObject().put("file", good.toString()).put("valid", true).putArray("problems");
    files
        .addObject()
        .put("file", bad.toString())
        .put("valid", false)
        .putArray("problems")
        .addObject()
        .put("path", "schema.fields[0].type")
        .put(
            "message",
            "unknown type \"lng\", did you mean \"long\"? (types: boolean, int, long, float,"
                + " double, string, binary, date, timestamp, decimal(p,s), struct, list)");
    assertThat(json.readTree(out.toString())).isEqualTo(expected);
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void masksAPasswordInTheSourceUrl() throws Exception {
    Path spec =
        write(
            "pg.yaml",
            String.join(
                "\n",
                "pipeline: shop",
                "source:",
                "  postgres:",
                "    url: jdbc:postgresql://db:5432/shop?user=lake&password=hunter2",
                "    user: lake",
                "    tables: [public.orders]",
                "sink:",
                "  iceberg: {table: lake.orders}",
                ""));

    int code = run("validate", spec.toString());

    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString())
        .isEqualTo(
            spec
                + " is valid: pipeline shop reads the changes of public.orders from"
                + " jdbc:postgresql://db:5432/shop?user=lake&password=****** (slot lakestream_shop),"
                + " applies 0 transforms, writes iceberg table lake.orders\n");
  }

  @Test
  void saysADirectoryIsNotASpecInWords() {
    int code = run("validate", dir.toString());

    assertThat(code).isEqualTo(2);
    assertThat(err.toString())
        .isEqualTo(dir + " is invalid: 1 problem\n  " + dir + ": is a directory, not a file\n");
  }

  @Test
  void showsReferencesNeverTheSecretsTheyResolveTo() throws Exception {
    String secret = "s3cr3t-" + System.nanoTime();
    Files.writeString(dir.resolve("pg-password"), secret + "\n");
    Path spec =
        write(
            "pg.yaml",
            String.join(
                "\n",
                "pipeline: shop",
                "source:",
                "  postgres:",
                "    url: jdbc:postgresql://db:5432/shop?user=lake&ssl=${file:pg-password}",
                "    user: lake",
                "    password: ${file:pg-password}",
                "    tables: [public.orders]",
                "sink:",
                "  iceberg:",
                "    table: lake.orders",
                "    catalog: {type: rest, uri: \"http://cat:8181\", token: \"${file:pg-password}\"}",
                ""));
    Path bad = write("bad.yaml", Files.readString(spec).replace("table: lake.orders", "table: x"));

    int valid = run("validate", spec.toString());
    int invalid = run("validate", "--json", bad.toString());

    assertThat(valid).as(err.toString()).isZero();
    assertThat(invalid).isEqualTo(2);
    assertThat(out.toString())
        .contains("jdbc:postgresql://db:5432/shop?user=lake&ssl=${file:pg-password}")
        .doesNotContain(secret);
    assertThat(err.toString()).doesNotContain(secret);
  }

  @Test
  void reportsEveryUnresolvedReferenceAndRunRejectsTheSameSpec() throws Exception {
    String unset = "LAKESTREAM_TEST_UNSET_" + System.nanoTime();
    Path spec =
        write(
            "env.yaml",
            VALID
                .replace("localhost:9092", "\"${env:" + unset + "}\"")
                .replace("lake.orders", "\"${file:no-such-file}\""));
    String expected =
        spec
            + " is invalid: 2 problems\n"
            + "  source.kafka.bootstrap-servers: cannot resolve ${env:"
            + unset
            + "}: the environment variable "
            + unset
            + " is not set (set it, or give a default: ${env:"
            + unset
            + ":-default})\n"
            + "  sink.iceberg.table: cannot resolve ${file:no-such-file}: file not found: "
            + dir.resolve("no-such-file")
            + "\n";

    int validate = run("validate", spec.toString());
    String validateErr = err.toString();
    err.getBuffer().setLength(0);
    int runCode = run("run", spec.toString());

    assertThat(validate).isEqualTo(2);
    assertThat(validateErr).isEqualTo(expected);
    assertThat(runCode).isEqualTo(2);
    assertThat(err.toString())
        .isEqualTo(
            expected.replace(spec + " is invalid: 2 problems", "2 problems in the pipeline spec:"));
  }
}
