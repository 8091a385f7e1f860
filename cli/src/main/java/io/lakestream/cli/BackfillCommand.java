package io.lakestream.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestream.core.backfill.Backfill;
import io.lakestream.core.backfill.DriftReport;
import io.lakestream.core.runtime.PipelineChecks;
import io.lakestream.core.runtime.RunOptions;
import io.lakestream.core.runtime.RunResult;
import io.lakestream.core.sink.BranchTable;
import io.lakestream.core.spec.KafkaSourceSpec;
import io.lakestream.core.spec.PipelineSpec;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "backfill",
    description = {
      "Replay the pipeline's Kafka log through the same pipeline, beside the live one.",
      "With --to, recompute the event-time range [--from, --to) on a branch of the output table"
          + " under a writer of its own, print how it differs from the live table (the drift"
          + " report), and with --publish replace swap the range's rows in one atomic commit."
          + " Window tables recompute every window overlapping the range whole; append tables"
          + " replace rows by their event-time column; upsert tables cannot be replaced by range.",
      "Without --to, reprocess from --from into the spec's own tables (a new version of a"
          + " pipeline writing new tables), up to the log's end or, with --then-follow, on as the"
          + " live pipeline.",
      "A crashed backfill resumes where it stopped; run again after success, it changes nothing."
          + " The live pipeline's checkpoints, consumer group and fencing are never touched.",
      "Exit codes: 0 done, 1 failed or refused (the reason is printed), 2 invalid spec or command"
          + " line."
    })
final class BackfillCommand implements Callable<Integer> {
  @ParentCommand Lakestream root;

  @Parameters(paramLabel = "SPEC", description = "The pipeline spec (YAML).")
  Path spec;

  @Option(
      names = "--from",
      required = true,
      paramLabel = "TIME",
      description =
          "Where the replay starts: earliest, an instant (2026-12-01T06:00:00Z) or a date"
              + " (2026-12-01, midnight UTC).")
  String from;

  @Option(
      names = "--to",
      paramLabel = "TIME",
      description = "The end of the range (exclusive), as --from; none to reprocess to the end.")
  String to;

  @Option(
      names = "--from-offsets",
      paramLabel = "OFFSETS",
      description =
          "Explicit start offsets, topic:partition=offset[,...]: the partitions named start there"
              + " instead of at --from (unless the backfill's own checkpoint already moved on).")
  String fromOffsets;

  @Option(
      names = "--to-offsets",
      paramLabel = "OFFSETS",
      description =
          "Explicit end offsets (exclusive), as --from-offsets: the partitions named stop there"
              + " instead of at --to or the log's end.")
  String toOffsets;

  @Option(
      names = "--publish",
      defaultValue = "none",
      paramLabel = "MODE",
      description =
          "With --to: none leaves the branch and prints the drift report; replace swaps the"
              + " range's rows on the main line. Default: ${DEFAULT-VALUE}.")
  String publish;

  @Option(
      names = "--name",
      paramLabel = "NAME",
      description =
          "With --to: the backfill's writer and branch name. Default: backfill-<from>-<to>.")
  String name;

  @Option(
      names = "--force",
      description = "Publish even if the live pipeline's watermark has not passed the range.")
  boolean force;

  @Option(
      names = "--skew",
      defaultValue = "1m",
      converter = DurationConverter.class,
      description =
          "How far event times may be from Kafka record timestamps; the replay reads this much"
              + " more on both sides. Default: ${DEFAULT-VALUE}.")
  Duration skew;

  @Option(
      names = "--then-follow",
      description = "Without --to: keep running as the live pipeline once the replay caught up.")
  boolean follow;

  @Option(names = "--json", description = "Print the result as one JSON object.")
  boolean json;

  @Option(
      names = "--status-interval",
      defaultValue = "10s",
      converter = DurationConverter.class,
      description =
          "Time between progress lines on stderr (0 for none). Default: ${DEFAULT-VALUE}.")
  Duration statusInterval;

  @Spec CommandSpec command;

  @Override
  public Integer call() {
    PipelineSpec parsed = PipelineChecks.parse(spec);
    if (!(parsed.source() instanceof KafkaSourceSpec kafka)) {
      throw new ParameterException(
          command.commandLine(),
          "backfill replays a Kafka log; this spec reads " + parsed.source().summary());
    }
    if (follow && toOffsets != null) {
      throw new ParameterException(
          command.commandLine(), "--to-offsets cannot go with --then-follow");
    }
    parsed =
        parsed.withSource(
            kafka.withOffsets(
                offsets("--from-offsets", fromOffsets), offsets("--to-offsets", toOffsets)));
    PrintStream err = System.err;
    RunOptions options = RunOptions.defaults().withStatus(root.statusInterval(statusInterval), err);
    PrintWriter out = command.commandLine().getOut();
    if (to == null) {
      if (!publish.equals("none") || name != null) {
        throw new ParameterException(
            command.commandLine(), "--publish and --name need --to (a range)");
      }
      KafkaSourceSpec.Start start =
          from.equals("earliest")
              ? new KafkaSourceSpec.Start(KafkaSourceSpec.Start.Kind.EARLIEST, null)
              : new KafkaSourceSpec.Start(
                  KafkaSourceSpec.Start.Kind.TIMESTAMP, time("--from", from));
      RunResult run = Backfill.reprocess(parsed, start, follow, options);
      return finished(run, err) ? 0 : Lakestream.EXIT_FAILED;
    }
    if (follow) {
      throw new ParameterException(command.commandLine(), "--then-follow cannot go with --to");
    }
    Instant begin = from.equals("earliest") ? Instant.EPOCH : time("--from", from);
    Instant end = time("--to", to);
    Backfill.Publish mode =
        switch (publish) {
          case "none" -> Backfill.Publish.NONE;
          case "replace" -> Backfill.Publish.REPLACE;
          default ->
              throw new ParameterException(
                  command.commandLine(), "--publish must be none or replace (got " + publish + ")");
        };
    String writer = name != null ? name : "backfill-" + compact(begin) + "-" + compact(end);
    Backfill.Outcome outcome =
        Backfill.range(parsed, new Backfill.Range(begin, end, skew, writer, mode, force), options);
    if (!finished(outcome.run(), err)) {
      return Lakestream.EXIT_FAILED;
    }
    if (json) {
      out.println(json(writer, outcome));
    } else {
      print(writer, outcome, out);
    }
    return 0;
  }

  private Instant time(String option, String value) {
    try {
      return value.contains("T")
          ? Instant.parse(value)
          : LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
    } catch (DateTimeParseException e) {
      throw new ParameterException(
          command.commandLine(),
          option
              + " must be earliest, an instant like 2026-12-01T06:00:00Z or a date like"
              + " 2026-12-01 (got "
              + value
              + ")");
    }
  }

  /** {@code orders:0=120,orders:1=4000} by split id; empty for null. */
  private Map<String, Long> offsets(String option, String value) {
    Map<String, Long> offsets = new LinkedHashMap<>();
    if (value == null) {
      return offsets;
    }
    for (String entry : value.split(",")) {
      int eq = entry.lastIndexOf('=');
      int colon = entry.lastIndexOf(':', Math.max(eq, 0));
      try {
        if (eq < 0 || colon <= 0) {
          throw new NumberFormatException();
        }
        int partition = Integer.parseInt(entry.substring(colon + 1, eq).strip());
        long offset = Long.parseLong(entry.substring(eq + 1).strip());
        if (partition < 0 || offset < 0) {
          throw new NumberFormatException();
        }
        String split = entry.substring(0, colon).strip() + ":" + partition;
        if (offsets.put(split, offset) != null) {
          throw new ParameterException(
              command.commandLine(), option + " names " + split + " twice");
        }
      } catch (NumberFormatException e) {
        throw new ParameterException(
            command.commandLine(),
            option
                + " takes topic:partition=offset[,...], e.g. orders:0=120,orders:1=4000 (got '"
                + entry
                + "')");
      }
    }
    return offsets;
  }

  /** {@code 20261201T060000Z}: a writer and branch name part. */
  private static String compact(Instant t) {
    return t.toString().replace("-", "").replace(":", "").replaceAll("\\.\\d+", "");
  }

  private static boolean finished(RunResult run, PrintStream err) {
    if (run.succeeded()) {
      return true;
    }
    err.println("error: " + UserMessages.clean(run.failure().message()));
    err.println("Everything before it is committed to the backfill's branch; run again to resume.");
    return false;
  }

  private static void print(String writer, Backfill.Outcome o, PrintWriter out) {
    DriftReport d = o.drift();
    out.printf(Locale.ROOT, "Backfill %s of table %s%n", writer, o.plan().output().table());
    out.printf(
        Locale.ROOT,
        "  read Kafka records from %s to %s; recomputed %s on branch %s%n",
        o.plan().readFrom(),
        o.plan().readTo(),
        d.range(),
        writer);
    out.printf(
        Locale.ROOT,
        "  rows: %,d live, %,d recomputed; %,d only live, %,d only recomputed, %,d changed"
            + " (compared in %.1f s)%n",
        d.mainRows(),
        d.branchRows(),
        d.onlyMain(),
        d.onlyBranch(),
        d.changed(),
        o.comparing().toMillis() / 1e3);
    if (!d.largest().isEmpty()) {
      out.println("  largest differences (recomputed - live):");
      for (DriftReport.Delta delta : d.largest()) {
        out.printf(
            Locale.ROOT,
            "    %s %s: %s -> %s (%+.6g)%n",
            delta.key(),
            delta.column(),
            delta.main(),
            delta.branch(),
            delta.delta());
      }
    }
    BranchTable.Published p = o.published();
    if (p == null) {
      out.printf(
          Locale.ROOT, "  not published; run again with --publish replace to swap the range in%n");
    } else if (p.committed()) {
      out.printf(
          Locale.ROOT,
          "  published: %,d rows removed, %,d added in snapshot %s (%.1f s)%n",
          p.removed(),
          p.added(),
          p.snapshotId(),
          o.publishing().toMillis() / 1e3);
    } else {
      out.printf(Locale.ROOT, "  already published in snapshot %s%n", p.snapshotId());
    }
  }

  private static String json(String writer, Backfill.Outcome o) {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode root = mapper.createObjectNode();
    DriftReport d = o.drift();
    root.put("writer", writer);
    root.put("branch", writer);
    root.put("table", o.plan().output().table());
    root.put("readFrom", o.plan().readFrom().toString());
    root.put("readTo", o.plan().readTo().toString());
    ObjectNode range = root.putObject("range");
    range.put("column", d.range().column());
    range.put("from", d.range().from().toString());
    range.put("to", d.range().to().toString());
    ObjectNode drift = root.putObject("drift");
    drift.put("liveRows", d.mainRows());
    drift.put("recomputedRows", d.branchRows());
    drift.put("onlyLive", d.onlyMain());
    drift.put("onlyRecomputed", d.onlyBranch());
    drift.put("changed", d.changed());
    drift.put("seconds", o.comparing().toMillis() / 1e3);
    ArrayNode largest = drift.putArray("largest");
    for (DriftReport.Delta delta : d.largest()) {
      ObjectNode n = largest.addObject();
      ObjectNode key = n.putObject("key");
      for (Map.Entry<String, Object> e : delta.key().entrySet()) {
        key.put(e.getKey(), String.valueOf(e.getValue()));
      }
      n.put("column", delta.column());
      n.put("live", delta.main() == null ? null : delta.main().toString());
      n.put("recomputed", delta.branch() == null ? null : delta.branch().toString());
      n.put("delta", delta.delta());
    }
    BranchTable.Published p = o.published();
    if (p != null) {
      ObjectNode published = root.putObject("published");
      published.put("committed", p.committed());
      published.put("removed", p.removed());
      published.put("added", p.added());
      published.put("snapshotId", p.snapshotId());
      published.put("seconds", o.publishing().toMillis() / 1e3);
    }
    return root.toString();
  }
}
