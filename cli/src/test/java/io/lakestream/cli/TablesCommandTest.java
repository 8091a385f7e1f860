package io.lakestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class TablesCommandTest {
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
  void refusesAWarehouseThatDoesNotExistAndCreatesNothing() {
    Path typo = dir.resolve("typo");

    int code = run("tables", "--warehouse", typo.toString());

    assertThat(code).isEqualTo(2);
    assertThat(err.toString())
        .startsWith("warehouse " + typo + " does not exist" + System.lineSeparator());
    assertThat(typo).doesNotExist();
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void refusesACatalogTypeNoTableFormatReads() {
    int code = run("tables", "--catalog", "type=jbdc");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString())
        .contains(
            "catalog.type: no table format on the class path reads catalog type \"jbdc\""
                + " (Hudi reads hudi; Iceberg reads jdbc, rest, hive, nessie, glue, hadoop)");
    assertThat(out.toString()).isEmpty();
  }
}
