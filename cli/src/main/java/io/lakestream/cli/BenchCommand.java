package io.lakestream.cli;

import io.lakestream.cli.embedded.ChildBroker;
import io.lakestream.cli.embedded.EmbeddedKafkaBroker;
import io.lakestream.cli.embedded.SampleEvents;
import io.lakestream.core.runtime.RunOptions;
import io.lakestream.core.runtime.RunResult;
import io.lakestream.core.spec.PipelineSpec;
import io.lakestream.core.spec.SpecParser;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "bench",
    description = {
      "Measure the append pipeline end to end on this machine.",
      "Produces N sample JSON events (7 fields, ~230 bytes, keyed by user_id) into a broker running",
      "in a child JVM (so its CPU is not counted), then runs the pipeline bounded (--stop-at-end)",
      "into an Iceberg table in this process and reports records/s and the process CPU-seconds per",
      "million records spent in the pipeline run (JIT warm-up and the first commit included; JVM",
      "start-up excluded)."
    })
final class BenchCommand implements Callable<Integer> {
  @Spec CommandSpec command;

  @Option(
      names = "--records",
      defaultValue = "2000000",
      description = "Events to produce. Default: ${DEFAULT-VALUE}.")
  long records;

  @Option(
      names = "--partitions",
      defaultValue = "2",
      description = "Topic partitions. Default: ${DEFAULT-VALUE}.")
  int partitions;

  @Option(names = "--parallelism", description = "Pipeline tasks. Default: the number of cores.")
  Integer parallelism;

  @Option(
      names = "--checkpoint-interval",
      defaultValue = "10s",
      description = "Checkpoint interval. Default: ${DEFAULT-VALUE}.")
  String checkpointInterval;

  @Option(
      names = "--dir",
      description =
          "Work directory for the broker, warehouse and state. Default: a new temporary directory.")
  Path dir;

  @Option(
      names = "--table-property",
      paramLabel = "KEY=VALUE",
      description =
          "Iceberg table properties for the benchmark table, e.g. write.parquet.compression-codec=snappy.")
  Map<String, String> tableProperties = new LinkedHashMap<>();

  @Option(
      names = "--bootstrap-servers",
      description = "Use this broker instead of starting one (the topic must not exist yet).")
  String bootstrapServers;

  @Override
  public Integer call() throws IOException, InterruptedException {
    PrintWriter out = command.commandLine().getOut();
    Path work =
        dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("lakestream-bench");
    EmbeddedKafkaBroker.quietBrokerLogging();
    ChildBroker child =
        bootstrapServers == null
            ? EmbeddedKafkaBroker.startChildProcess(work.resolve("kafka"))
            : null;
    try {
      String servers = child != null ? child.bootstrapServers() : bootstrapServers;
      String topic = "bench-events-" + System.currentTimeMillis();
      out.printf(
          Locale.ROOT,
          "Producing %,d events into %s (%d partitions)...%n",
          records,
          topic,
          partitions);
      out.flush();
      long produceStart = System.nanoTime();
      SampleEvents.Summary produced =
          SampleEvents.produce(
              servers, SampleEvents.Options.of(topic, records).withPartitions(partitions));
      double produceSeconds = (System.nanoTime() - produceStart) / 1e9;
      out.printf(Locale.ROOT, "Produced %,d events in %.1f s%n", produced.count(), produceSeconds);
      out.flush();

      PipelineSpec spec = SpecParser.parse(benchSpec(servers, topic, work));
      com.sun.management.OperatingSystemMXBean os =
          (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      long cpuStart = os.getProcessCpuTime();
      long jitStart = ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
      long gcStart = gcMillis();
      long wallStart = System.nanoTime();
      RunResult result =
          PipelineRunner.run(
              spec,
              RunOptions.defaults()
                  .withStopAtEnd(true)
                  .withStatus(Duration.ofSeconds(5), System.err),
              System.err);
      double wall = (System.nanoTime() - wallStart) / 1e9;
      double cpu = (os.getProcessCpuTime() - cpuStart) / 1e9;
      double jit =
          (ManagementFactory.getCompilationMXBean().getTotalCompilationTime() - jitStart) / 1e3;
      double gc = (gcMillis() - gcStart) / 1e3;
      long written = result.metrics().out();
      out.printf(
          Locale.ROOT,
          "append: %,d records in %.2f s = %,.0f records/s; %.2f CPU-s = %.2f CPU-s per million records"
              + " (%d cores, %d checkpoints)%n",
          written,
          wall,
          written / wall,
          cpu,
          cpu / (written / 1e6),
          Runtime.getRuntime().availableProcessors(),
          result.checkpoints());
      out.printf(
          Locale.ROOT,
          "  of which JIT compilation %.2f s and GC pauses %.2f s (the rest is reading, decoding,"
              + " writing and committing)%n",
          jit,
          gc);
      if (written != produced.count()) {
        out.printf(
            Locale.ROOT, "MISMATCH: produced %,d but wrote %,d%n", produced.count(), written);
        return Lakestream.EXIT_FAILED;
      }
      return 0;
    } finally {
      if (child != null) {
        child.close();
      }
    }
  }

  private static String yamlMap(Map<String, String> map) {
    StringBuilder b = new StringBuilder("{");
    map.forEach(
        (k, v) ->
            b.append(b.length() > 1 ? ", " : "")
                .append('"')
                .append(k)
                .append("\": \"")
                .append(v)
                .append('"'));
    return b.append('}').toString();
  }

  private static long gcMillis() {
    return ManagementFactory.getGarbageCollectorMXBeans().stream()
        .mapToLong(GarbageCollectorMXBean::getCollectionTime)
        .sum();
  }

  private String benchSpec(String servers, String topic, Path work) {
    Path warehouse = work.resolve("warehouse").toAbsolutePath();
    return String.join(
        "\n",
        "pipeline: bench-append",
        parallelism == null ? "" : "parallelism: " + parallelism,
        "source:",
        "  kafka:",
        "    bootstrap-servers: \"" + servers + "\"",
        "    topics: [" + topic + "]",
        "    start: earliest",
        "schema:",
        "  fields:",
        "    - {name: event_id, type: long, required: true}",
        "    - {name: user_id, type: long}",
        "    - {name: item_id, type: long}",
        "    - {name: amount, type: double}",
        "    - {name: category, type: string}",
        "    - {name: event_time, type: timestamp, format: epoch-millis}",
        "    - {name: payload, type: string}",
        "sink:",
        "  iceberg:",
        "    catalog: {type: jdbc, uri: \"jdbc:sqlite:"
            + warehouse.resolve("catalog.db")
            + "\", warehouse: \""
            + warehouse
            + "\"}",
        "    table: bench.events",
        tableProperties.isEmpty() ? "" : "    properties: " + yamlMap(tableProperties),
        "checkpoint: {interval: "
            + checkpointInterval
            + ", dir: \""
            + work.resolve("state").toAbsolutePath()
            + "\"}",
        "");
  }
}
