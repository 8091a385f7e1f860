package io.lakestream.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestream.core.runtime.ErrorLog;
import io.lakestream.core.runtime.PipelineChecks;
import io.lakestream.core.runtime.PipelineStatus;
import io.lakestream.core.spec.Units;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "status",
    description = {
      "Show where a pipeline stands: whether a process runs it (and which), its last checkpoint,"
          + " each table's last commit of the pipeline with its age, the lag per partition behind"
          + " the committed positions, the watermark, the state size and key count, and the"
          + " recent errors (failures that ended a run, bad records that stopped one).",
      "Read from the checkpoint directory (its copy in object storage when checkpoint.dir is"
          + " one), the tables and Kafka, so it works while the pipeline runs and after it"
          + " stopped or crashed, from any machine. A part that cannot be read says why."
    })
final class StatusCommand implements Callable<Integer> {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @Spec CommandSpec command;

  @Option(
      names = "--spec",
      paramLabel = "SPEC",
      required = true,
      description = "The pipeline spec.")
  Path spec;

  @Option(names = "--json", description = "Print the status as one JSON object.")
  boolean json;

  @Override
  public Integer call() {
    Clock clock = Clock.systemUTC();
    PipelineStatus s = PipelineStatus.read(PipelineChecks.parse(spec), clock);
    PrintWriter out = command.commandLine().getOut();
    if (json) {
      out.println(json(s));
    } else {
      print(s, out);
    }
    return 0;
  }

  private static void print(PipelineStatus s, PrintWriter out) {
    out.printf(
        Locale.ROOT,
        "Pipeline %s: %s%n",
        s.pipeline(),
        s.runningBy() == null ? "not running" : "running (" + s.runningBy() + ")");
    PipelineStatus.CheckpointInfo c = s.checkpoint();
    if (s.checkpointProblem() != null) {
      out.printf(
          Locale.ROOT,
          "  last checkpoint: unknown (%s)%n",
          UserMessages.clean(s.checkpointProblem()));
    } else {
      out.printf(
          Locale.ROOT,
          "  last checkpoint: %s (in %s)%n",
          c == null ? "none" : "#" + c.id() + ", " + when(c.createdAt(), s.at()),
          s.checkpointLocation());
    }
    out.println("  tables:");
    for (PipelineStatus.TableStatus t : s.tables()) {
      String what;
      if (t.problem() != null) {
        what = "cannot be read: " + UserMessages.clean(t.problem());
      } else if (t.checkpointId() == null) {
        what = "no commit of this pipeline; " + String.format(Locale.ROOT, "%,d rows", t.rows());
      } else {
        what =
            String.format(
                Locale.ROOT,
                "checkpoint #%d committed %s; %,d rows",
                t.checkpointId(),
                when(t.committedAt(), s.at()),
                t.rows());
      }
      out.printf(Locale.ROOT, "    %s (writer %s): %s%n", t.table(), t.writer(), what);
    }
    if (s.lagProblem() != null) {
      out.printf(Locale.ROOT, "  lag: unknown (%s)%n", UserMessages.clean(s.lagProblem()));
    } else {
      long total = s.lag().values().stream().mapToLong(Long::longValue).sum();
      out.printf(Locale.ROOT, "  lag: %,d records%n", total);
      s.lag().forEach((split, n) -> out.printf(Locale.ROOT, "    %s: %,d%n", split, n));
    }
    if (s.watermark() != null) {
      out.printf(Locale.ROOT, "  watermark: %s%n", when(s.watermark(), s.at()));
    }
    if (s.stateBytes() != null) {
      out.printf(
          Locale.ROOT,
          "  state: %s%s%n",
          DescribeCommand.bytes(s.stateBytes()),
          s.stateKeys() == null
              ? ""
              : String.format(Locale.ROOT, ", about %,d keys", s.stateKeys()));
    }
    if (s.errors().isEmpty()) {
      out.println("  recent errors: none");
    } else {
      out.println("  recent errors:");
      for (ErrorLog.Entry e : s.errors()) {
        out.printf(
            Locale.ROOT, "    %s: %s%n", when(e.at(), s.at()), UserMessages.clean(e.error()));
      }
    }
  }

  /** An instant and how long before {@code now} it was. */
  private static String when(Instant t, Instant now) {
    return t + " (" + Units.formatElapsed(Duration.between(t, now)) + " ago)";
  }

  /**
   * The {@code --json} form. Field names are a stable interface for scripts (documented in
   * docs/operations.md): add fields, never rename them.
   */
  static String json(PipelineStatus s) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("pipeline", s.pipeline());
    root.put("at", s.at().toString());
    root.put("running", s.runningBy() != null);
    root.put("running_by", s.runningBy());
    PipelineStatus.CheckpointInfo c = s.checkpoint();
    if (c == null) {
      root.putNull("checkpoint");
    } else {
      ObjectNode cp = root.putObject("checkpoint");
      cp.put("id", c.id());
      cp.put("created_at", c.createdAt().toString());
      cp.put("age_seconds", seconds(c.createdAt(), s.at()));
      putLongs(cp.putObject("positions"), c.positions());
    }
    root.put("checkpoint_location", s.checkpointLocation());
    root.put("checkpoint_problem", s.checkpointProblem());
    var tables = root.putArray("tables");
    for (PipelineStatus.TableStatus t : s.tables()) {
      ObjectNode o = tables.addObject();
      o.put("table", t.table());
      o.put("writer", t.writer());
      o.put("checkpoint", t.checkpointId());
      o.put("committed_at", t.committedAt() == null ? null : t.committedAt().toString());
      if (t.committedAt() == null) {
        o.putNull("age_seconds");
      } else {
        o.put("age_seconds", seconds(t.committedAt(), s.at()));
      }
      o.put("rows", t.rows());
      o.put("problem", t.problem());
    }
    putLongs(root.putObject("lag"), s.lag());
    root.put("lag_problem", s.lagProblem());
    root.put("watermark", s.watermark() == null ? null : s.watermark().toString());
    ObjectNode newest = root.putObject("newest_event_times");
    s.newestEventTimes().forEach((split, t) -> newest.put(split, t.toString()));
    root.put("state_bytes", s.stateBytes());
    root.put("state_keys", s.stateKeys());
    var errors = root.putArray("errors");
    for (ErrorLog.Entry e : s.errors()) {
      ObjectNode o = errors.addObject();
      o.put("at", e.at().toString());
      o.put("error", UserMessages.clean(e.error()));
    }
    try {
      return MAPPER.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void putLongs(ObjectNode node, Map<String, Long> values) {
    new TreeMap<>(values).forEach(node::put);
  }

  private static double seconds(Instant from, Instant to) {
    return Duration.between(from, to).toMillis() / 1000.0;
  }
}
