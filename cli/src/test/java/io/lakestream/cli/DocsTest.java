package io.lakestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * What the README, docs and examples show must work: every example spec and every {@code yaml}
 * block that is a whole pipeline spec validates, and every {@code lakestream} command shown exists
 * and answers {@code --help}. A block that is deliberately a fragment says so with {@value
 * #FRAGMENT} on the line before its fence.
 */
class DocsTest {
  /** The marker before a {@code yaml} block that is not a whole spec. */
  static final String FRAGMENT = "<!-- spec: fragment -->";

  private static final Path ROOT = Path.of("..");
  private static final Pattern COMMAND = Pattern.compile("(?:bin/|`)lakestream ([a-z][a-z-]*)");

  /** A spec shown somewhere: where, and its text. */
  record Shown(String where, String yaml) {
    @Override
    public String toString() {
      return where;
    }
  }

  static List<Path> documents() throws IOException {
    List<Path> docs = new ArrayList<>();
    docs.add(ROOT.resolve("README.md"));
    docs.add(ROOT.resolve("trino-examples/README.md"));
    try (Stream<Path> files = Files.walk(ROOT.resolve("docs"))) {
      files.filter(f -> f.toString().endsWith(".md")).sorted().forEach(docs::add);
    }
    return docs;
  }

  static List<Shown> specs() throws IOException {
    List<Shown> specs = new ArrayList<>();
    for (String folder : List.of("examples", "trino-examples/pipelines")) {
      try (Stream<Path> files = Files.list(ROOT.resolve(folder))) {
        for (Path f : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
          specs.add(new Shown(f.toString(), Files.readString(f)));
        }
      }
    }
    for (Path doc : documents()) {
      List<String> lines = Files.readAllLines(doc);
      for (int i = 0; i < lines.size(); i++) {
        if (!lines.get(i).strip().equals("```yaml")) {
          continue;
        }
        boolean fragment = i > 0 && lines.get(i - 1).strip().equals(FRAGMENT);
        int start = i + 1;
        int end = start;
        while (!lines.get(end).strip().equals("```")) {
          end++;
        }
        if (!fragment) {
          String yaml = String.join("\n", lines.subList(start, end)) + "\n";
          specs.add(new Shown(doc + ":" + (i + 1), yaml));
        }
        i = end;
      }
    }
    return specs;
  }

  static List<String> commandsShown() throws IOException {
    List<String> commands = new ArrayList<>();
    for (Path doc : documents()) {
      Matcher m = COMMAND.matcher(Files.readString(doc));
      while (m.find()) {
        if (!commands.contains(m.group(1))) {
          commands.add(m.group(1));
        }
      }
    }
    return commands;
  }

  @ParameterizedTest
  @MethodSource("specs")
  void everySpecShownValidates(Shown shown, @TempDir Path dir) throws IOException {
    Path spec = dir.resolve("spec.yaml");
    Files.writeString(spec, shown.yaml());
    for (String schema : List.of("orders.avsc", "envelope.avsc")) {
      Files.writeString(dir.resolve(schema), "{\"type\": \"string\"}");
    }
    StringWriter err = new StringWriter();
    CommandLine cli = Lakestream.commandLine();
    cli.setOut(new PrintWriter(new StringWriter(), true));
    cli.setErr(new PrintWriter(err, true));

    int code = cli.execute("validate", spec.toString());

    assertThat(code)
        .as(
            shown.where()
                + " is not a valid spec; fix it, or mark it "
                + FRAGMENT
                + " if it is part of one:\n"
                + err)
        .isZero();
  }

  @ParameterizedTest
  @MethodSource("commandsShown")
  void everyCommandShownExistsAndAnswersHelp(String command) {
    CommandLine cli = Lakestream.commandLine();
    StringWriter out = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(new StringWriter(), true));

    assertThat(cli.getSubcommands()).as("lakestream " + command).containsKey(command);
    assertThat(cli.execute(command, "--help")).isZero();
    assertThat(out.toString()).contains("Usage: lakestream " + command);
  }

  @Test
  void findsTheExamplesAndDocs() throws IOException {
    assertThat(specs()).extracting(Shown::where).anyMatch(w -> w.contains("quickstart.yaml"));
    assertThat(specs()).extracting(Shown::where).anyMatch(w -> w.contains("customers.yaml"));
    assertThat(commandsShown()).contains("run", "validate", "quickstart", "bench", "trino-catalog");
  }
}
