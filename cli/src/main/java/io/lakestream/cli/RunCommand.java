package io.lakestream.cli;

import io.lakestream.core.runtime.PipelineChecks;
import io.lakestream.core.runtime.RunOptions;
import io.lakestream.core.runtime.RunResult;
import io.lakestream.core.spec.PipelineSpec;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "run",
    description = {
      "Run a pipeline until it is stopped.",
      "SIGTERM or Ctrl-C finishes the current checkpoint, commits it and exits 0. With"
          + " --stop-at-end it reads up to the end offsets seen at start, commits and exits 0: the"
          + " batch form of the same pipeline.",
      "Exit codes: 0 stopped cleanly, 1 failed (the error or bad record is printed), 2 invalid"
          + " spec or command line."
    })
final class RunCommand implements Callable<Integer> {
  @ParentCommand Lakestream root;

  @Parameters(paramLabel = "SPEC", description = "The pipeline spec (YAML).")
  Path spec;

  @Option(
      names = "--stop-at-end",
      description = "Read each partition up to its end offset at start, commit, and exit.")
  boolean stopAtEnd;

  @Option(
      names = "--status-interval",
      defaultValue = "10s",
      converter = DurationConverter.class,
      description =
          "Time between status lines on stderr (e.g. 5s, 1m; 0 for none). Default: ${DEFAULT-VALUE}.")
  Duration statusInterval;

  @Option(
      names = "--sample-events",
      defaultValue = "0",
      description =
          "With bootstrap-servers: embedded, first produce this many built-in sample events into the first topic.")
  long sampleEvents;

  @Option(
      names = "--sample-partitions",
      defaultValue = "4",
      description =
          "Partitions of the sample topic when --sample-events creates it. Default: ${DEFAULT-VALUE}.")
  int samplePartitions;

  @Option(
      names = "--metrics-port",
      paramLabel = "PORT",
      description =
          "Serve /metrics, /health and /ready on this port (1 to 65535) instead of the spec's"
              + " metrics.port.")
  Integer metricsPort;

  @Spec CommandSpec command;

  @Override
  public Integer call() {
    PipelineSpec parsed = PipelineChecks.parse(spec);
    if (metricsPort != null) {
      if (metricsPort < 1 || metricsPort > 65535) {
        throw new ParameterException(
            command.commandLine(),
            "--metrics-port must be between 1 and 65535 (got " + metricsPort + ")");
      }
      parsed = parsed.withMetrics(parsed.metrics().withPort(metricsPort));
    }
    PrintStream out = System.out;
    PrintStream err = System.err;
    try (PipelineRunner.Source source =
        PipelineRunner.Source.start(parsed, parsed.checkpoint().dir().resolve("embedded-kafka"))) {
      if (sampleEvents > 0) {
        source.produceSamples(sampleEvents, samplePartitions);
      }
      RunOptions options =
          RunOptions.defaults()
              .withStopAtEnd(stopAtEnd)
              .withStatus(root.statusInterval(statusInterval), err)
              .withPhaseListener(PausingPhaseListener.fromSystemProperty(out));
      RunResult result = PipelineRunner.run(source.spec(), options, err);
      if (!result.succeeded()) {
        err.println("error: " + UserMessages.clean(result.failure().message()));
        err.println(
            "Everything before it is committed; fix the record or choose errors.policy: dead-letter or"
                + " skip, then run again to resume at it.");
        return Lakestream.EXIT_FAILED;
      }
      return 0;
    }
  }
}
