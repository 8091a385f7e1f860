package io.lakestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class VersionTest {
  @Test
  void printsTheVersionMavenBuilt() {
    String expected = System.getProperty("lakestream.expected-version");
    StringWriter out = new StringWriter();
    CommandLine cli = Lakestream.commandLine();
    cli.setOut(new PrintWriter(out, true));

    int code = cli.execute("--version");

    assertThat(expected).isNotBlank();
    assertThat(code).isZero();
    assertThat(out.toString()).isEqualTo("lakestream " + expected + System.lineSeparator());
  }
}
