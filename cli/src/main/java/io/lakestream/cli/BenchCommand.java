package io.lakestream.cli;

import io.lakestream.cli.embedded.ChildBroker;
import io.lakestream.cli.embedded.EmbeddedKafkaBroker;
import io.lakestream.cli.embedded.SampleChangeGenerator;
import io.lakestream.cli.embedded.SampleEvents;
import io.lakestream.compaction.ActionResult;
import io.lakestream.compaction.ExpireSnapshots;
import io.lakestream.compaction.MaintenanceAction;
import io.lakestream.compaction.RewriteDataFiles;
import io.lakestream.compaction.RewriteManifests;
import io.lakestream.compaction.TableMaintenance;
import io.lakestream.core.backfill.Backfill;
import io.lakestream.core.backfill.DriftReport;
import io.lakestream.core.inspect.ScanStats;
import io.lakestream.core.inspect.TableInspector;
import io.lakestream.core.inspect.TableInspectors;
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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "bench",
    description = {
      "Measure a pipeline end to end on this machine.",
      "Produces N sample JSON records (7 fields, ~230 bytes, keyed by user_id) into a broker"
          + " running in a child JVM (so its CPU is not counted), then runs the pipeline bounded"
          + " (--stop-at-end) into an Iceberg table (or a Hudi table, --sink) in this process and"
          + " reports records/s and the process CPU-seconds per million records spent in the"
          + " pipeline run (JIT warm-up and the first commit included; JVM start-up excluded).",
      "Workloads:",
      "  append: every record into the table.",
      "  dedupe: 10%% of the records are redeliveries; dedupe by event_id (keep first, TTL 1h in"
          + " event time) and append the distinct events.",
      "  window: tumbling 10 s windows per category: count(*) and sum(amount); watermark ="
          + " newest event time - 5 s.",
      "  cdc: Debezium JSON change events into an upsert table keyed by id: 100,000 creates,"
          + " then 30%% creates, 60%% updates and 10%% deletes, in 5 rounds (one bounded run"
          + " each, --rounds to change); after every round the table is scanned to show how"
          + " reads slow down as equality deletes pile up. With --compact, every round is"
          + " followed by maintain's rewrite-data-files, rewrite-manifests and expire-snapshots"
          + " (all older than now), timed on their own."
    })
final class BenchCommand implements Callable<Integer> {
  @Spec CommandSpec command;
  @ParentCommand Lakestream root;

  @Option(
      names = "--records",
      defaultValue = "2000000",
      description = "Events to produce. Default: ${DEFAULT-VALUE}.")
  long records;

  /** What the benchmark pipeline does. */
  enum Workload {
    append,
    dedupe,
    window,
    cdc
  }

  @Option(
      names = "--workload",
      defaultValue = "append",
      description = "append, dedupe, window or cdc. Default: ${DEFAULT-VALUE}.")
  Workload workload;

  @Option(
      names = "--state",
      defaultValue = "rocksdb",
      description =
          "State backend of dedupe and window: rocksdb or memory. Default: ${DEFAULT-VALUE}.")
  String stateBackend;

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
          "Table properties for the benchmark table, e.g. write.parquet.compression-codec=snappy"
              + " (Iceberg) or hoodie.parquet.compression.codec=zstd (Hudi).")
  Map<String, String> tableProperties = new LinkedHashMap<>();

  @Option(
      names = "--warehouse",
      paramLabel = "URI",
      description =
          "append, dedupe, window: where the table's files go, e.g. s3://bucket/bench (with the"
              + " S3 settings as --catalog-property). Default: the work directory's warehouse/.")
  String warehouse;

  @Option(
      names = "--catalog-property",
      paramLabel = "KEY=VALUE",
      description =
          "append, dedupe, window: a catalog property, e.g. s3.endpoint=http://127.0.0.1:9000,"
              + " s3.path-style-access=true, client.region=us-east-1 (credentials from the AWS"
              + " SDK's default chain, or s3.access-key-id and s3.secret-access-key).")
  Map<String, String> catalogProperties = new LinkedHashMap<>();

  @Option(
      names = "--metrics-port",
      paramLabel = "PORT",
      description =
          "append, dedupe, window: serve /metrics on this port during the run (as run"
              + " --metrics-port does), to measure what the endpoint costs.")
  Integer metricsPort;

  @Option(
      names = "--rounds",
      defaultValue = "5",
      description = "cdc: rounds of changes. Default: ${DEFAULT-VALUE}.")
  int rounds;

  @Option(
      names = "--compact",
      description =
          "cdc: compact the table after every round and report the rewrite's seconds and MB"
              + " rewritten per CPU-second.")
  boolean compact;

  @Option(
      names = "--delete-mode",
      paramLabel = "MODE",
      description =
          "cdc, Iceberg: the sink's delete-mode, position (deletes replaced rows by position where"
              + " the writer knows them) or equality (every replaced key an equality delete)."
              + " Default: the sink's default, position.")
  String deleteMode;

  @Option(
      names = "--backfill",
      paramLabel = "PUBLISH",
      description =
          "After the run, recompute everything it wrote as 'lakestream backfill --from earliest"
              + " --to <now>' does (on a branch, under a writer of its own; not with cdc) and"
              + " report the replay's rate beside the run's, the drift comparison and, with"
              + " replace, the publish: none or replace. The append workload then declares"
              + " event_time its event time, which a range backfill needs.")
  Backfill.Publish backfill;

  @Option(
      names = "--sink",
      defaultValue = "iceberg",
      converter = BenchSink.Converter.class,
      description =
          "The table format written: iceberg (a JDBC catalog in the work directory), hudi-cow or"
              + " hudi-mor (a Hudi copy-on-write or merge-on-read table under"
              + " <dir>/warehouse/hudi; --table-property then sets Hudi write properties). With"
              + " Hudi, cdc scans the table with Hudi's snapshot reader (log files merged) and"
              + " --compact and --backfill are refused. Default: ${DEFAULT-VALUE}.")
  BenchSink sink;

  @Option(
      names = "--bootstrap-servers",
      description = "Use this broker instead of starting one (the topic must not exist yet).")
  String bootstrapServers;

  @Override
  public Integer call() throws IOException, InterruptedException {
    PrintWriter out = command.commandLine().getOut();
    if (deleteMode != null && (sink != BenchSink.ICEBERG || workload != Workload.cdc)) {
      throw new picocli.CommandLine.ParameterException(
          command.commandLine(), "--delete-mode applies to the cdc workload on Iceberg only");
    }
    if (sink != BenchSink.ICEBERG && (compact || backfill != null)) {
      throw new picocli.CommandLine.ParameterException(
          command.commandLine(),
          (compact ? "--compact" : "--backfill")
              + " needs --sink iceberg: it runs Iceberg maintenance or an Iceberg branch");
    }
    if (sink != BenchSink.ICEBERG && (warehouse != null || !catalogProperties.isEmpty())) {
      throw new picocli.CommandLine.ParameterException(
          command.commandLine(),
          "--warehouse and --catalog-property need --sink iceberg: a Hudi table is written under"
              + " the work directory");
    }
    Path work =
        dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("lakestream-bench");
    EmbeddedKafkaBroker.quietBrokerLogging();
    ChildBroker child =
        bootstrapServers == null
            ? EmbeddedKafkaBroker.startChildProcess(work.resolve("kafka"))
            : null;
    try {
      String servers = child != null ? child.bootstrapServers() : bootstrapServers;
      if (workload == Workload.cdc) {
        if (backfill != null) {
          throw new picocli.CommandLine.ParameterException(
              command.commandLine(),
              "--backfill needs append, dedupe or window: an upsert table is not replaced by range");
        }
        return cdc(out, servers, work);
      }
      String topic = "bench-events-" + System.currentTimeMillis();
      out.printf(
          Locale.ROOT,
          "Producing %,d events into %s (%d partitions)...%n",
          records,
          topic,
          partitions);
      out.flush();
      long produceStart = System.nanoTime();
      SampleEvents.Options events =
          SampleEvents.Options.of(topic, records)
              .withPartitions(partitions)
              .withDuplicateEvery(workload == Workload.dedupe ? 10 : 0);
      SampleEvents.Summary produced = SampleEvents.produce(servers, events);
      double produceSeconds = (System.nanoTime() - produceStart) / 1e9;
      out.printf(Locale.ROOT, "Produced %,d events in %.1f s%n", produced.count(), produceSeconds);
      out.flush();

      Files.createDirectories(
          work.resolve("warehouse")); // the catalog's database, wherever files go
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
                  .withStatus(root.statusInterval(Duration.ofSeconds(5)), System.err),
              System.err);
      double wall = (System.nanoTime() - wallStart) / 1e9;
      double cpu = (os.getProcessCpuTime() - cpuStart) / 1e9;
      double jit =
          (ManagementFactory.getCompilationMXBean().getTotalCompilationTime() - jitStart) / 1e3;
      double gc = (gcMillis() - gcStart) / 1e3;
      long read = result.metrics().in();
      long written = result.metrics().out();
      out.printf(
          Locale.ROOT,
          "%s: %,d records in %.2f s = %,.0f records/s; %.2f CPU-s = %.2f CPU-s per million records"
              + " (%d cores, %d checkpoints; %,d rows written, %,d duplicates dropped)%n",
          workload,
          read,
          wall,
          read / wall,
          cpu,
          cpu / (read / 1e6),
          Runtime.getRuntime().availableProcessors(),
          result.checkpoints(),
          written,
          result.metrics().duplicates());
      out.printf(
          Locale.ROOT,
          "  of which JIT compilation %.2f s and GC pauses %.2f s (the rest is reading, decoding,"
              + " writing and committing)%n",
          jit,
          gc);
      long expected = workload == Workload.window ? written : produced.distinct();
      if (read != produced.count() || written != expected) {
        out.printf(
            Locale.ROOT,
            "MISMATCH: produced %,d records (%,d distinct) but read %,d and wrote %,d%n",
            produced.count(),
            produced.distinct(),
            read,
            written);
        return Lakestream.EXIT_FAILED;
      }
      return backfill == null ? 0 : backfill(out, spec, result);
    } finally {
      if (child != null) {
        child.close();
      }
    }
  }

  /**
   * Recomputes everything the run wrote as a range backfill and reports its replay beside the run.
   * The range ends now: after every event time and every Kafka timestamp of the produced records.
   */
  private int backfill(PrintWriter out, PipelineSpec spec, RunResult live) {
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long cpuStart = os.getProcessCpuTime();
    Backfill.Outcome o =
        Backfill.range(
            spec,
            new Backfill.Range(
                Instant.EPOCH,
                Instant.now(),
                Duration.ofMinutes(1),
                "bench-backfill",
                backfill,
                true),
            RunOptions.defaults()
                .withStatus(root.statusInterval(Duration.ofSeconds(5)), System.err));
    double cpu = (os.getProcessCpuTime() - cpuStart) / 1e9;
    if (!o.run().succeeded()) {
      out.println("backfill failed: " + o.run().failure().message());
      return Lakestream.EXIT_FAILED;
    }
    long read = o.run().metrics().in();
    double replay = o.run().elapsed().toNanos() / 1e9;
    double liveSeconds = live.elapsed().toNanos() / 1e9;
    out.printf(
        Locale.ROOT,
        "backfill: %,d records replayed in %.2f s = %,.0f records/s (the run: %,.0f records/s);"
            + " %.2f CPU-s = %.2f CPU-s per million records, comparing and publishing included%n",
        read,
        replay,
        read / replay,
        live.metrics().in() / liveSeconds,
        cpu,
        cpu / (read / 1e6));
    DriftReport d = o.drift();
    out.printf(
        Locale.ROOT,
        "  compared %,d live rows with %,d recomputed in %.2f s: %,d only live, %,d only"
            + " recomputed, %,d changed%n",
        d.mainRows(),
        d.branchRows(),
        o.comparing().toNanos() / 1e9,
        d.onlyMain(),
        d.onlyBranch(),
        d.changed());
    if (o.published() != null) {
      out.printf(
          Locale.ROOT,
          "  published in %.2f s: %,d rows removed, %,d added%n",
          o.publishing().toNanos() / 1e9,
          o.published().removed(),
          o.published().added());
    }
    if (read != live.metrics().in() || d.onlyMain() + d.onlyBranch() + d.changed() > 0) {
      out.printf(
          Locale.ROOT,
          "MISMATCH: the run read %,d records and the replay %,d; the same spec over the same"
              + " log must recompute the same rows%n",
          live.metrics().in(),
          read);
      return Lakestream.EXIT_FAILED;
    }
    return 0;
  }

  private static final int CDC_KEYS = 100_000;

  /** The CDC workload: rounds of change events, a bounded run and a full scan after each. */
  private int cdc(PrintWriter out, String servers, Path work) throws InterruptedException {
    if (rounds < 1) {
      throw new picocli.CommandLine.ParameterException(
          command.commandLine(), "--rounds must be at least 1 (got " + rounds + ")");
    }
    String topic = "bench-changes-" + System.currentTimeMillis();
    Path warehouse = work.resolve("warehouse").toAbsolutePath();
    PipelineSpec spec = SpecParser.parse(cdcSpec(servers, topic, work, warehouse));
    long perRound = Math.max(CDC_KEYS, records / rounds);
    SampleChangeGenerator changes = new SampleChangeGenerator(topic, CDC_KEYS, perRound, 42);
    out.printf(
        Locale.ROOT,
        "round | changes (creates/updates/deletes) | changes/s | CPU-s per million"
            + (sink == BenchSink.ICEBERG
                ? " | rows | data files | delete files applied"
                : " | rows | base files | log files merged")
            + " | full scan | scan µs per row"
            + (compact ? " | compaction | rewrite MB per CPU-s" : "")
            + "%n");
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    for (int round = 1; round <= rounds; round++) {
      SampleEvents.produce(servers, topic, partitions, changes);
      long cpuStart = os.getProcessCpuTime();
      long wallStart = System.nanoTime();
      RunResult result =
          PipelineRunner.run(
              spec,
              RunOptions.defaults()
                  .withStopAtEnd(true)
                  .withStatus(root.statusInterval(Duration.ofSeconds(30)), System.err),
              System.err);
      double wall = (System.nanoTime() - wallStart) / 1e9;
      double cpu = (os.getProcessCpuTime() - cpuStart) / 1e9;
      long applied = result.metrics().in();
      String compaction = compact ? " | " + compact(warehouse, os) : "";
      ScanStats scan;
      try (TableInspector tables =
          TableInspectors.open(
              sink.tables(warehouse, catalogSection(warehouse), "bench.changes"))) {
        scan = tables.scan("bench.changes");
      }
      out.printf(
          Locale.ROOT,
          "%d | %,d (%s) | %,.0f | %.2f | %,d | %,d | %,d | %.2f s | %.3f%s%n",
          round,
          applied,
          changes.mix(),
          applied / wall,
          cpu / (applied / 1e6),
          scan.rows(),
          scan.dataFiles(),
          scan.deleteFiles(),
          scan.nanos() / 1e9,
          scan.nanos() / 1e3 / Math.max(1, scan.rows()),
          compaction);
      out.flush();
      if (scan.rows() != changes.liveRows()) {
        out.printf(
            Locale.ROOT,
            "MISMATCH: the changes leave %,d rows but the table has %,d%n",
            changes.liveRows(),
            scan.rows());
        return Lakestream.EXIT_FAILED;
      }
      changes = new SampleChangeGenerator(changes, perRound);
    }
    return 0;
  }

  /** Compacts the benchmark table; returns its seconds and MB rewritten per CPU-second. */
  private static String compact(Path warehouse, com.sun.management.OperatingSystemMXBean os) {
    Clock clock = Clock.systemUTC();
    List<MaintenanceAction> actions =
        List.of(
            new RewriteDataFiles(0, 2, 1, clock),
            new RewriteManifests(clock),
            new ExpireSnapshots(Duration.ZERO, 1, clock));
    long cpuStart = os.getProcessCpuTime();
    long wallStart = System.nanoTime();
    List<ActionResult> results;
    try (TableMaintenance maintenance = new TableMaintenance(catalogSection(warehouse))) {
      results = maintenance.run("bench.changes", actions, false, line -> {});
    }
    double wall = (System.nanoTime() - wallStart) / 1e9;
    double cpu = (os.getProcessCpuTime() - cpuStart) / 1e9;
    long bytes = results.get(0).count("bytes-rewritten");
    return String.format(Locale.ROOT, "%.2f s | %.1f", wall, bytes / 1e6 / cpu);
  }

  private static Map<String, Object> catalogSection(Path warehouse) {
    return Map.of(
        "type",
        "jdbc",
        "uri",
        "jdbc:sqlite:" + warehouse.resolve("catalog.db"),
        "warehouse",
        warehouse.toString());
  }

  private String cdcSpec(String servers, String topic, Path work, Path warehouse) {
    return String.join(
        "\n",
        "pipeline: bench-cdc",
        parallelism == null ? "" : "parallelism: " + parallelism,
        "source:",
        "  kafka:",
        "    bootstrap-servers: \"" + servers + "\"",
        "    topics: [" + topic + "]",
        "    format: debezium-json",
        "schema:",
        "  fields:",
        "    - {name: id, type: long, required: true}",
        "    - {name: name, type: string}",
        "    - {name: balance, type: \"decimal(12,2)\"}",
        "    - {name: qty, type: int}",
        "    - {name: updated_at, type: timestamp, format: epoch-micros}",
        sink.section(
            warehouse,
            null,
            "bench.changes",
            "id",
            deleteMode == null ? "" : "delete-mode: " + deleteMode),
        "checkpoint: {interval: "
            + checkpointInterval
            + ", dir: \""
            + work.resolve("state").toAbsolutePath()
            + "\"}",
        "");
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
    Path localWarehouse = work.resolve("warehouse").toAbsolutePath();
    Map<String, String> catalog = new LinkedHashMap<>();
    catalog.put("type", "jdbc");
    catalog.put("uri", "jdbc:sqlite:" + localWarehouse.resolve("catalog.db"));
    catalog.put("warehouse", warehouse == null ? localWarehouse.toString() : warehouse);
    catalog.putAll(catalogProperties);
    return String.join(
        "\n",
        "pipeline: bench-" + workload,
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
        workload == Workload.append && backfill == null
            ? ""
            : "event-time: {field: event_time, max-out-of-orderness: 5s}\nstate: {backend: "
                + stateBackend
                + "}",
        switch (workload) {
          case append, cdc -> "";
          case dedupe -> "transforms: [{dedupe: {key: [event_id], ttl: 1h, keep: first}}]";
          case window ->
              "transforms: [{window: {type: tumbling, size: 10s, group-by: [category],"
                  + " aggregates: {orders: count(*), revenue: sum(amount)}}}]";
        },
        sink.section(
            localWarehouse,
            yamlMap(catalog),
            "bench.events",
            null,
            tableProperties.isEmpty() ? "" : "properties: " + yamlMap(tableProperties)),
        "checkpoint: {interval: "
            + checkpointInterval
            + ", dir: \""
            + work.resolve("state").toAbsolutePath()
            + "\"}",
        metricsPort == null ? "" : "metrics: {port: " + metricsPort + "}",
        "");
  }
}
