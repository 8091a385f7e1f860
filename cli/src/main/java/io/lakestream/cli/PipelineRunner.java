package io.lakestream.cli;

import io.lakestream.cli.embedded.EmbeddedKafkaBroker;
import io.lakestream.cli.embedded.SampleEvents;
import io.lakestream.core.error.PipelineException;
import io.lakestream.core.runtime.Pipeline;
import io.lakestream.core.runtime.RunOptions;
import io.lakestream.core.runtime.RunResult;
import io.lakestream.core.spec.KafkaSourceSpec;
import io.lakestream.core.spec.PipelineSpec;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Runs one pipeline in this process the way every command does: starts the embedded broker when the
 * spec asks for it, serves metrics when it names a port, sends traces when an OTLP endpoint is
 * configured ({@link OtlpTracing}), turns SIGTERM / Ctrl-C into a clean stop (last checkpoint
 * committed, exit 0), and reports how the run ended.
 */
final class PipelineRunner {
  private PipelineRunner() {}

  /**
   * The broker a spec reads from: the spec's own, or an embedded one started on {@code dataDir}.
   * Closing it stops the embedded broker.
   */
  record Source(PipelineSpec spec, EmbeddedKafkaBroker broker) implements AutoCloseable {
    static Source start(PipelineSpec spec, Path dataDir) {
      if (!(spec.source() instanceof KafkaSourceSpec kafka) || !kafka.embedded()) {
        return new Source(spec, null);
      }
      try {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dataDir);
        return new Source(
            spec.withSource(kafka.withBootstrapServers(broker.bootstrapServers())), broker);
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
      KafkaSourceSpec kafka = spec.kafka();
      String topic = kafka.topics().isEmpty() ? "events" : kafka.topics().get(0);
      try {
        return SampleEvents.produce(
            kafka.bootstrapServers(),
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

  /**
   * Runs {@code spec} on this thread until it ends, serving its metrics on {@code metrics.port}
   * while it runs, and its maintenance jobs when they run in the pipeline. SIGTERM and SIGINT
   * (Ctrl-C) ask it to commit the current checkpoint and stop, so the command exits 0; a second
   * signal exits at once with 130.
   */
  static RunResult run(PipelineSpec spec, RunOptions options, PrintStream err) {
    Pipeline pipeline = new Pipeline(spec, options);
    AtomicBoolean signalled = new AtomicBoolean();
    SignalHandler handler =
        signal -> {
          if (signalled.getAndSet(true)) {
            err.println("Second " + signal.getName() + ": exiting without committing.");
            Runtime.getRuntime().halt(130);
          }
          err.println("Stopping: committing the current checkpoint...");
          pipeline.stop();
        };
    SignalHandler previousTerm = Signal.handle(new Signal("TERM"), handler);
    SignalHandler previousInt = Signal.handle(new Signal("INT"), handler);
    Integer port = spec.metrics().port();
    try (OtlpTracing tracing = OtlpTracing.start(System.getenv(), System.getProperties());
        MetricsEndpoint endpoint = port == null ? null : MetricsEndpoint.start(port, pipeline);
        PipelineMaintenance maintenance = PipelineMaintenance.startIfInPipeline(spec)) {
      return pipeline.run();
    } finally {
      Signal.handle(new Signal("TERM"), previousTerm);
      Signal.handle(new Signal("INT"), previousInt);
    }
  }
}
