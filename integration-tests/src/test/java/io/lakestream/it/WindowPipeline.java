package io.lakestream.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A stateful test pipeline over {@link OrderEvent}s: event time with a 5 s bound on disorder and a
 * 1 s idle timeout, dedupe by {@code event_id} (first wins, 1 h), then one window step grouped by
 * {@code category} into an Iceberg table, which the window makes an upsert table by itself.
 *
 * @param tables the directory, catalog, topic, pipeline id and checkpoint directory
 * @param table the window table
 * @param lateRecordsTable the {@code late-records} table, or null for the default
 * @param allowedLatenessMillis 0 leaves {@code allowed-lateness} out (its default is 0)
 * @param earlyFireMillis 0 leaves {@code early-fire} out
 * @param stateBackend {@code rocksdb} or {@code memory}, or null to leave {@code state} out
 * @param parallelism how many tasks read and how many run each keyed step (2 unless changed)
 */
record WindowPipeline(
    TestPipeline tables,
    String table,
    String lateRecordsTable,
    WindowDef window,
    List<Aggregate> aggregates,
    long allowedLatenessMillis,
    long earlyFireMillis,
    String stateBackend,
    int parallelism) {

  static final long OUT_OF_ORDERNESS_MILLIS = 5_000;
  static final long IDLE_TIMEOUT_MILLIS = 1_000;
  static final long DEDUPE_TTL_MILLIS = 3_600_000;
  static final String GROUP_BY = "category";

  WindowPipeline {
    aggregates = List.copyOf(aggregates);
  }

  /** Table {@code it.<topic>} (dashes become underscores), no lateness, default late table. */
  static WindowPipeline of(
      Path dir, String servers, String topic, WindowDef window, List<Aggregate> aggregates) {
    return new WindowPipeline(
        TestPipeline.of(dir, servers, topic),
        "it." + topic.replace('-', '_'),
        null,
        window,
        aggregates,
        0,
        0,
        null,
        2);
  }

  WindowPipeline withAllowedLateness(long millis) {
    return new WindowPipeline(
        tables,
        table,
        lateRecordsTable,
        window,
        aggregates,
        millis,
        earlyFireMillis,
        stateBackend,
        parallelism);
  }

  WindowPipeline withEarlyFire(long millis) {
    return new WindowPipeline(
        tables,
        table,
        lateRecordsTable,
        window,
        aggregates,
        allowedLatenessMillis,
        millis,
        stateBackend,
        parallelism);
  }

  WindowPipeline withLateRecordsTable(String name) {
    return new WindowPipeline(
        tables,
        table,
        name,
        window,
        aggregates,
        allowedLatenessMillis,
        earlyFireMillis,
        stateBackend,
        parallelism);
  }

  WindowPipeline withStateBackend(String backend) {
    return new WindowPipeline(
        tables,
        table,
        lateRecordsTable,
        window,
        aggregates,
        allowedLatenessMillis,
        earlyFireMillis,
        backend,
        parallelism);
  }

  WindowPipeline withParallelism(int tasks) {
    return new WindowPipeline(
        tables,
        table,
        lateRecordsTable,
        window,
        aggregates,
        allowedLatenessMillis,
        earlyFireMillis,
        stateBackend,
        tasks);
  }

  String topic() {
    return tables.topic();
  }

  String pipelineId() {
    return tables.pipelineId();
  }

  /** The table too-late records go to: the one named, or {@code <table>_late}. */
  String lateTable() {
    return lateRecordsTable != null ? lateRecordsTable : table + "_late";
  }

  Path logs() {
    return tables.dir().resolve("logs");
  }

  /** {@code 1h}, {@code 1m}, {@code 20s} or {@code 500ms}. */
  static String duration(long millis) {
    if (millis % 3_600_000 == 0) {
      return millis / 3_600_000 + "h";
    }
    if (millis % 60_000 == 0) {
      return millis / 60_000 + "m";
    }
    if (millis % 1_000 == 0) {
      return millis / 1_000 + "s";
    }
    return millis + "ms";
  }

  /** Writes the spec file and returns its path. */
  Path writeSpec() {
    List<String> lines = new ArrayList<>();
    lines.add("pipeline: " + pipelineId());
    lines.add("parallelism: " + parallelism);
    lines.add("source:");
    lines.add("  kafka:");
    lines.add("    bootstrap-servers: \"" + tables.servers() + "\"");
    lines.add("    topics: [" + topic() + "]");
    lines.add("    start: earliest");
    lines.add("schema:");
    lines.add("  fields:");
    lines.add("    - {name: event_id, type: long, required: true}");
    lines.add("    - {name: user_id, type: long}");
    lines.add("    - {name: category, type: string}");
    lines.add("    - {name: amount, type: \"decimal(10,2)\"}");
    lines.add("    - {name: event_time, type: timestamp, format: epoch-millis}");
    lines.add(
        "event-time: {field: event_time, max-out-of-orderness: "
            + duration(OUT_OF_ORDERNESS_MILLIS)
            + ", idle-timeout: "
            + duration(IDLE_TIMEOUT_MILLIS)
            + "}");
    if (stateBackend != null) {
      lines.add("state: {backend: " + stateBackend + "}");
    }
    lines.add("transforms:");
    lines.add(
        "  - dedupe: {key: [event_id], ttl: " + duration(DEDUPE_TTL_MILLIS) + ", keep: first}");
    lines.add("  - window:");
    for (String option : window.yaml()) {
      lines.add("      " + option);
    }
    lines.add("      group-by: [" + GROUP_BY + "]");
    lines.add("      aggregates:");
    for (Aggregate a : aggregates) {
      lines.add("        " + a.name() + ": \"" + a.expression() + "\"");
    }
    if (allowedLatenessMillis > 0) {
      lines.add("      allowed-lateness: " + duration(allowedLatenessMillis));
    }
    if (earlyFireMillis > 0) {
      lines.add("      early-fire: " + duration(earlyFireMillis));
    }
    if (lateRecordsTable != null) {
      lines.add("      late-records: {table: " + lateRecordsTable + "}");
    }
    lines.add("sink:");
    lines.add("  iceberg:");
    lines.add(
        "    catalog: {type: jdbc, name: lakestream, uri: \""
            + tables.catalogUri()
            + "\", warehouse: \""
            + tables.warehouse()
            + "\"}");
    lines.add("    table: " + table);
    lines.add("checkpoint: {interval: 500ms, dir: \"" + tables.stateDir().toAbsolutePath() + "\"}");
    lines.add("");
    try {
      Files.createDirectories(tables.dir());
      Path spec = tables.dir().resolve(pipelineId() + ".yaml");
      Files.writeString(spec, String.join("\n", lines));
      return spec;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
