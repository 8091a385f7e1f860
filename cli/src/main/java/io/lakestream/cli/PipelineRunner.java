package io.lakestream.cli;

import io.lakestream.cli.embedded.EmbeddedKafkaBroker;
import io.lakestream.cli.embedded.SampleEvents;
import io.lakestream.core.error.PipelineException;
import io.lakestream.core.runtime.Pipeline;
import io.lakestream.core.runtime.RunOptions;
import io.lakestream.core.runtime.RunResult;
import io.lakestream.core.spec.PipelineSpec;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Runs one pipeline in this process the way every command does: starts the embedded broker when the
 * spec asks for it, turns SIGTERM / Ctrl-C into a clean stop (last checkpoint committed, exit 0),
 * and reports how the run ended.
 */
final class PipelineRunner {
  private static final Duration STOP_TIMEOUT = Duration.ofMinutes(5);

  private PipelineRunner() {}

  /**
   * The broker a spec reads from: the spec's own, or an embedded one started on {@code dataDir}.
   * Closing it stops the embedded broker.
   */
  record Source(PipelineSpec spec, EmbeddedKafkaBroker broker) implements AutoCloseable {
    static Source start(PipelineSpec spec, Path dataDir) {
      if (!spec.source().embedded()) {
        return new Source(spec, null);
      }
      try {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dataDir);
        return new Source(
            spec.withSource(spec.source().withBootstrapServers(broker.bootstrapServers())), broker);
      } catch (IOException e) {
        throw new PipelineException(
            "Cannot start the embedded Kafka broker in " + dataDir + ": " + e.getMessage(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new PipelineException("Interrupted while starting the embedded Kafka broker");
      }
    }

    /** Produces {@code count} sample events into the spec's first topic. */
    SampleEvents.Summary produceSamples(long count, int partitions) {
      String topic = spec.source().topics().isEmpty() ? "events" : spec.source().topics().get(0);
      try {
        return SampleEvents.produce(
            spec.source().bootstrapServers(),
            SampleEvents.Options.of(topic, count).withPartitions(partitions));
      } catch (Exception e) {
        throw new PipelineException(
            "Cannot produce sample events into " + topic + ": " + e.getMessage(), e);
      }
    }

    @Override
    public void close() {
      if (broker != null) {
        broker.close();
      }
    }
  }

  /** Runs {@code spec} on this thread until it ends; SIGTERM stops it cleanly. */
  static RunResult run(PipelineSpec spec, RunOptions options, PrintStream err) {
    Pipeline pipeline = new Pipeline(spec, options);
    Thread hook =
        new Thread(
            () -> {
              if (pipeline.state() == Pipeline.State.RUNNING
                  || pipeline.state() == Pipeline.State.RECOVERING) {
                err.println("Stopping: committing the current checkpoint...");
                pipeline.stop();
                try {
                  pipeline.awaitFinished(STOP_TIMEOUT);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }
            },
            "lakestream-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      return pipeline.run();
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running and waits for this run to finish
      }
    }
  }
}
