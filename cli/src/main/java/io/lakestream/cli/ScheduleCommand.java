package io.lakestream.cli;

import io.lakestream.compaction.ActionResult;
import io.lakestream.compaction.MaintenanceScheduler;
import io.lakestream.compaction.MaintenanceScheduler.JobRun;
import io.lakestream.core.runtime.PipelineChecks;
import io.lakestream.core.spec.MaintenanceSpec;
import io.lakestream.core.spec.PipelineSpec;
import io.lakestream.core.spec.SpecParser;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(
    name = "schedule",
    description = {
      "Run the jobs of a spec's maintenance section when their triggers fire (cron, every N"
          + " commits, N small files, N delete files), until stopped.",
      "Only one maintainer acts on a table at a time: each holds a lease kept in the table's"
          + " metadata while it works, so any number of schedulers, and pipelines that run"
          + " maintenance themselves (maintenance.run-in: pipeline), can share tables. Prints one"
          + " line per job run and per action; SIGTERM lets the job at hand finish and release its"
          + " lease, then exits with 143, as a process stopped by a signal does."
    })
final class ScheduleCommand implements java.util.concurrent.Callable<Integer> {

  @Spec CommandSpec command;

  @Option(
      names = "--spec",
      paramLabel = "SPEC",
      required = true,
      description =
          "The pipeline spec: its sink's catalog and tables, and its maintenance section.")
  Path spec;

  @Option(
      names = "--maintenance",
      paramLabel = "FILE",
      description =
          "Read the maintenance section from this YAML file (whose only key is maintenance)"
              + " instead of the spec.")
  Path maintenanceFile;

  @Option(
      names = "--once",
      description = "Evaluate every job once, run those due, and exit (e.g. from cron).")
  boolean once;

  @Option(
      names = "--json",
      description =
          "Print one JSON object per job run and line: {\"job\", \"table\", \"outcome\","
              + " \"detail\", \"started_ms\", \"finished_ms\", \"results\": [...]}.")
  boolean json;

  @Option(
      names = "--owner",
      paramLabel = "NAME",
      description =
          "This scheduler's name in table leases; must differ between schedulers. Default:"
              + " <pid>@<host>/<random>.")
  String owner;

  @Override
  public Integer call() throws InterruptedException {
    PipelineSpec parsed = PipelineChecks.parse(spec);
    MaintenanceSpec maintenance =
        maintenanceFile == null
            ? parsed.maintenance()
            : SpecParser.parseMaintenance(maintenanceFile, parsed);
    if (maintenance.jobs().isEmpty()) {
      throw new ParameterException(
          command.commandLine(),
          spec + " has no maintenance section; add one, or give it with --maintenance FILE");
    }
    if (owner != null && (owner.isBlank() || owner.contains("\n"))) {
      throw new ParameterException(command.commandLine(), "--owner must be one non-blank line");
    }
    PrintWriter out = command.commandLine().getOut();
    PrintWriter err = command.commandLine().getErr();
    Consumer<JobRun> print =
        run -> {
          if (json) {
            out.println(ResultJson.run(run).toString());
          } else {
            out.println(run.line());
            run.results().stream().map(ActionResult::line).forEach(r -> out.println("  " + r));
          }
          out.flush();
        };
    try (MaintenanceScheduler scheduler =
        new MaintenanceScheduler(
            maintenance,
            parsed.sink().catalog(),
            owner == null ? MaintenanceScheduler.defaultOwner() : owner,
            Clock.systemUTC(),
            line -> {
              err.println(line);
              err.flush();
            })) {
      if (once) {
        scheduler.runDue().forEach(print);
        return 0;
      }
      CountDownLatch stop = new CountDownLatch(1);
      CountDownLatch stopped = new CountDownLatch(1);
      Thread hook =
          new Thread(
              () -> {
                stop.countDown();
                try {
                  // let the job at hand finish; a job cut short is safe, only wasted
                  stopped.await(maintenance.leaseTtl().toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              "schedule-stop");
      Runtime.getRuntime().addShutdownHook(hook);
      try {
        scheduler.runUntil(stop, print);
      } finally {
        stopped.countDown();
      }
      return 0;
    }
  }
}
