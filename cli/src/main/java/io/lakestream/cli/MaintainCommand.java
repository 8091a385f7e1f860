package io.lakestream.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestream.compaction.ActionResult;
import io.lakestream.compaction.HudiMaintenance;
import io.lakestream.compaction.MaintenanceAction;
import io.lakestream.compaction.MaintenanceActions;
import io.lakestream.compaction.TableMaintenance;
import io.lakestream.core.spec.MaintenanceSpec.Action;
import io.lakestream.core.spec.MaintenanceSpec.ActionOptions;
import io.lakestream.core.spec.PipelineSpec;
import io.lakestream.core.spec.SpecParser;
import io.lakestream.core.spec.Units;
import io.lakestream.hudi.HudiSinkFactory;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "maintain",
    description = {
      "Keep Iceberg tables fast and small, safely beside running pipelines: bin-pack small files"
          + " and apply deletes, combine position-delete files and drop dangling ones, merge"
          + " manifests, expire old snapshots, delete orphan files. On Hudi tables (a spec with a"
          + " hudi sink, or --catalog type=hudi,path=DIR): compact merge-on-read log files and"
          + " clean old file slices.",
      "Every writer's last checkpoint stays findable after expiry, and files a persisted"
          + " checkpoint will still commit are never deleted. Prints one result line per action"
          + " and table; progress goes to stderr."
    })
final class MaintainCommand implements Callable<Integer> {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @Spec CommandSpec command;
  @Mixin CatalogOptions catalog;

  @Parameters(
      paramLabel = "TABLE",
      arity = "0..*",
      description = "Tables to maintain, namespace.name. Default: the table of --spec's sink.")
  List<String> tables = new ArrayList<>();

  @Option(
      names = "--action",
      paramLabel = "ACTION",
      split = ",",
      description =
          "Actions to run, comma-separated or repeated, in this order. Iceberg tables:"
              + " rewrite-data-files, rewrite-position-deletes, rewrite-manifests,"
              + " expire-snapshots, remove-orphan-files. Hudi tables: compact, clean (cluster is"
              + " refused). Default: all.")
  List<String> actions = new ArrayList<>();

  @Option(
      names = "--target-file-size",
      paramLabel = "SIZE",
      description =
          "rewrite-data-files: size to bin-pack to (e.g. 128MB). Default: the table's"
              + " write.target-file-size-bytes.")
  String targetFileSize;

  @Option(
      names = "--min-input-files",
      paramLabel = "N",
      defaultValue = "5",
      description =
          "rewrite-data-files, rewrite-position-deletes: fewest files of one partition worth"
              + " rewriting together (a partition with more than the target size of data is"
              + " rewritten anyway). Default: ${DEFAULT-VALUE}.")
  int minInputFiles;

  @Option(
      names = "--delete-file-threshold",
      paramLabel = "N",
      defaultValue = "1",
      description =
          "rewrite-data-files: rewrite every file that at least N delete files apply to, however"
              + " big, so scans stop applying them. Default: ${DEFAULT-VALUE}.")
  int deleteFileThreshold;

  @Option(
      names = "--older-than",
      paramLabel = "DURATION",
      defaultValue = "5d",
      converter = DurationConverter.class,
      description =
          "expire-snapshots: expire snapshots older than this (0s: all but --retain-last)."
              + " Default: ${DEFAULT-VALUE}.")
  Duration olderThan;

  @Option(
      names = "--retain-last",
      paramLabel = "N",
      defaultValue = "1",
      description =
          "expire-snapshots: keep at least the N newest snapshots of every branch. Default:"
              + " ${DEFAULT-VALUE}.")
  int retainLast;

  @Option(
      names = "--orphans-older-than",
      paramLabel = "DURATION",
      defaultValue = "3d",
      converter = DurationConverter.class,
      description =
          "remove-orphan-files: delete unreferenced files last modified longer ago than this;"
              + " keep it far above the longest checkpoint interval and commit time."
              + " Default: ${DEFAULT-VALUE}.")
  Duration orphansOlderThan;

  @Option(
      names = "--retain-commits",
      paramLabel = "N",
      defaultValue = "10",
      description =
          "clean (Hudi): keep the file slices the N newest commits read, so queries and the"
              + " writer's index lookups that started on them finish. Default: ${DEFAULT-VALUE}.")
  int retainCommits;

  @Option(names = "--dry-run", description = "Show what would change; change nothing.")
  boolean dryRun;

  @Option(
      names = "--json",
      description = "Print {\"results\": [...]}, one object per action and table, for scripts.")
  boolean json;

  @Override
  public Integer call() {
    Map<String, Object> section = catalog.section();
    boolean hudi = HudiMaintenance.handles(section);
    List<MaintenanceAction> icebergActions = hudi ? List.of() : icebergActions();
    List<HudiMaintenance.Action> hudiActions = hudi ? hudiActions() : List.of();
    List<String> names = tableNames();
    PrintWriter out = command.commandLine().getOut();
    PrintWriter err = command.commandLine().getErr();
    Consumer<String> progress =
        line -> {
          err.println(line);
          err.flush();
        };
    List<ActionResult> results = new ArrayList<>();
    Consumer<ActionResult> print =
        r -> {
          results.add(r);
          if (!json) {
            out.println(r.line());
            out.flush();
          }
        };
    if (hudi) {
      HudiMaintenance maintenance = new HudiMaintenance(section, Clock.systemUTC());
      for (String table : names) {
        maintenance.run(table, hudiActions, retainCommits, dryRun, progress).forEach(print);
      }
    } else {
      try (TableMaintenance maintenance = new TableMaintenance(section)) {
        for (String table : names) {
          maintenance.run(table, icebergActions, dryRun, progress).forEach(print);
        }
      }
    }
    if (json) {
      out.println(json(results));
    }
    return 0;
  }

  private List<HudiMaintenance.Action> hudiActions() {
    if (retainCommits < 1) {
      throw new ParameterException(command.commandLine(), "--retain-commits must be at least 1");
    }
    List<HudiMaintenance.Action> parsed = new ArrayList<>();
    for (String name : actions) {
      HudiMaintenance.Action action;
      try {
        action = HudiMaintenance.Action.parse(name);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(command.commandLine(), "--action " + e.getMessage());
      }
      if (action == null) {
        throw new ParameterException(
            command.commandLine(),
            "--action: '"
                + name
                + "' is not an action on Hudi tables; use "
                + EnumSet.allOf(HudiMaintenance.Action.class));
      }
      parsed.add(action);
    }
    return parsed;
  }

  private List<MaintenanceAction> icebergActions() {
    if (minInputFiles < 1 || deleteFileThreshold < 1 || retainLast < 1) {
      throw new ParameterException(
          command.commandLine(),
          "--min-input-files, --delete-file-threshold and --retain-last must be at least 1");
    }
    long target;
    try {
      target = targetFileSize == null ? 0 : Units.parseByteSize(targetFileSize);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(
          command.commandLine(),
          "--target-file-size: '"
              + targetFileSize
              + "' is not a size; use e.g. "
              + Units.BYTE_SIZE_SYNTAX);
    }
    List<Action> parsed = new ArrayList<>();
    for (String name : actions) {
      parsed.add(
          EnumSet.allOf(Action.class).stream()
              .filter(a -> a.toString().equalsIgnoreCase(name.trim()))
              .findFirst()
              .orElseThrow(
                  () ->
                      new ParameterException(
                          command.commandLine(),
                          "--action: '"
                              + name
                              + "' is not an action on Iceberg tables; use "
                              + EnumSet.allOf(Action.class))));
    }
    return MaintenanceActions.of(
        parsed,
        new ActionOptions(
            target, minInputFiles, deleteFileThreshold, olderThan, retainLast, orphansOlderThan),
        Clock.systemUTC());
  }

  private List<String> tableNames() {
    if (!tables.isEmpty()) {
      return tables;
    }
    if (catalog.spec == null) {
      throw new ParameterException(
          command.commandLine(), "Name the tables to maintain, or give --spec to use its sink's");
    }
    PipelineSpec spec = SpecParser.parse(catalog.spec);
    if (!spec.sink().type().equals("iceberg") && !spec.sink().type().equals(HudiSinkFactory.TYPE)) {
      throw new ParameterException(
          command.commandLine(),
          "maintain handles Iceberg and Hudi tables; the sink of "
              + catalog.spec
              + " is "
              + spec.sink().type());
    }
    return List.of(spec.sink().table());
  }

  private static String json(List<ActionResult> results) {
    ObjectNode root = MAPPER.createObjectNode();
    root.set("results", ResultJson.results(results));
    try {
      return MAPPER.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
