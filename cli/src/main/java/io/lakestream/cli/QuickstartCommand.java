package io.lakestream.cli;

import io.lakestream.cli.embedded.SampleEvents;
import io.lakestream.core.inspect.TableInspector;
import io.lakestream.core.inspect.TableInspectors;
import io.lakestream.core.runtime.RunOptions;
import io.lakestream.core.runtime.RunResult;
import io.lakestream.core.spec.PipelineSpec;
import io.lakestream.core.spec.SpecParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "quickstart",
    description = {
      "Run the quickstart pipeline on embedded defaults and show what landed.",
      "Starts an in-process Kafka broker, produces sample purchase events (and a few malformed"
          + " ones), runs examples/quickstart.yaml to the end of the topic into an Iceberg table on"
          + " a SQLite catalog under ./"
          + QuickstartCommand.WORK_DIR
          + ", then describes the tables. The directory is recreated on every run."
    })
final class QuickstartCommand implements Callable<Integer> {
  /**
   * Where the bundled quickstart spec keeps its broker, warehouse and state, relative to the
   * working directory.
   */
  static final String WORK_DIR = "quickstart-work";

  private static final List<String> MALFORMED =
      List.of("{\"event_id\": 1, \"amount\": ", "not json at all", "{\"event_id\": \"seven\"}");

  @Spec CommandSpec command;
  @ParentCommand Lakestream root;

  @Option(
      names = "--events",
      defaultValue = "100000",
      description = "Sample events to produce. Default: ${DEFAULT-VALUE}.")
  long events;

  @Override
  public Integer call() throws IOException, InterruptedException {
    PrintWriter out = command.commandLine().getOut();
    Path work = Path.of(WORK_DIR);
    deleteRecursively(work);
    PipelineSpec spec = SpecParser.parse(bundledSpec());
    // where `run` keeps an embedded broker too, so running the spec afterwards finds this topic
    Path brokerDir = spec.checkpoint().dir().resolve("embedded-kafka");
    out.printf("1. Starting an embedded Kafka broker in %s%n", brokerDir);
    out.flush();
    try (PipelineRunner.Source source = PipelineRunner.Source.start(spec, brokerDir)) {
      String topic = spec.kafka().topics().get(0);
      out.printf(
          Locale.ROOT,
          "2. Producing %,d sample events and %d malformed records into topic %s%n",
          events,
          MALFORMED.size(),
          topic);
      out.flush();
      source.produceSamples(events, 4);
      SampleEvents.produceRaw(
          source.spec().kafka().bootstrapServers(),
          topic,
          0,
          MALFORMED.stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toList());
      out.printf("3. Running pipeline %s to the end of the topic%n", spec.pipeline());
      out.flush();
      RunResult result =
          PipelineRunner.run(
              source.spec(),
              RunOptions.defaults()
                  .withStopAtEnd(true)
                  .withStatus(root.statusInterval(Duration.ofSeconds(2)), System.err),
              System.err);
      if (!result.succeeded()) {
        out.println("The pipeline stopped: " + result.failure().message());
        return Lakestream.EXIT_FAILED;
      }
    }
    out.println("4. What landed:");
    Object catalog = spec.sink().config().get("catalog");
    @SuppressWarnings("unchecked")
    Map<String, Object> section = (Map<String, Object>) catalog;
    try (TableInspector tables = TableInspectors.open(section)) {
      DescribeCommand.print(tables.describe(spec.sink().table(), 5), out);
      out.println();
      DescribeCommand.print(tables.describe(spec.errors().deadLetterTable(), 5), out);
    }
    out.println();
    String lakestream = installed("bin/lakestream");
    String example = installed("examples/quickstart.yaml");
    out.println("Next: " + lakestream + " tables --spec " + example);
    out.println(
        "      "
            + lakestream
            + " run "
            + example
            + "   (resumes after this run: nothing new to read until more arrives; Ctrl-C stops)");
    out.println(
        "      rm -rf "
            + WORK_DIR
            + " && "
            + lakestream
            + " run "
            + example
            + " --sample-events 100000 --stop-at-end");
    out.flush();
    return 0;
  }

  /**
   * A file of the installation {@code bin/lakestream} runs from ({@code lakestream.home}), as the
   * user can type it here: relative when it is under the working directory, else absolute.
   */
  private static String installed(String file) {
    String home = System.getProperty("lakestream.home");
    if (home == null) {
      return file;
    }
    Path cwd = Path.of("").toAbsolutePath();
    Path path = Path.of(home, file).toAbsolutePath().normalize();
    return (path.startsWith(cwd) ? cwd.relativize(path) : path).toString();
  }

  private static String bundledSpec() throws IOException {
    try (InputStream in = QuickstartCommand.class.getResourceAsStream("/quickstart.yaml")) {
      if (in == null) {
        throw new IOException("quickstart.yaml is missing from the class path");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
