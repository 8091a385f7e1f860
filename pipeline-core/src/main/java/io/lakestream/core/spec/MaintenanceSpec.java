package io.lakestream.core.spec;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The {@code maintenance} section: which maintenance jobs run on which tables, and when. A job runs
 * on a table when one of its triggers fires; only one maintainer acts on a table at a time.
 *
 * @param runIn who runs the jobs: {@code lakestream schedule}, or the running pipeline itself
 * @param checkInterval time between two evaluations of every job's triggers
 * @param leaseTtl how long a maintainer's hold on a table lasts unless renewed
 * @param jobs the jobs; empty when the spec has no maintenance section
 */
public record MaintenanceSpec(
    RunIn runIn, Duration checkInterval, Duration leaseTtl, List<Job> jobs) {

  /** No maintenance: what a spec without the section has. */
  public static final MaintenanceSpec NONE =
      new MaintenanceSpec(RunIn.SCHEDULE, Duration.ofMinutes(1), Duration.ofMinutes(10), List.of());

  public MaintenanceSpec {
    Objects.requireNonNull(runIn, "runIn");
    Objects.requireNonNull(checkInterval, "checkInterval");
    Objects.requireNonNull(leaseTtl, "leaseTtl");
    jobs = List.copyOf(jobs);
  }

  /** Who evaluates the triggers and runs the jobs. */
  public enum RunIn {
    /** {@code lakestream schedule --spec SPEC}, a process of its own. */
    SCHEDULE,
    /** {@code lakestream run SPEC}, on a thread of its own beside the checkpoints. */
    PIPELINE
  }

  /** The maintenance actions, in the order a job runs them. */
  public enum Action {
    REWRITE_DATA_FILES,
    REWRITE_POSITION_DELETES,
    REWRITE_MANIFESTS,
    EXPIRE_SNAPSHOTS,
    REMOVE_ORPHAN_FILES;

    /** The name as written in specs and on the command line: {@code rewrite-data-files}. */
    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /**
   * One job.
   *
   * @param name the job's name, unique in the spec; the table records when the job last ran under
   *     it
   * @param tables the tables it maintains, {@code namespace.name}
   * @param actions what it does, in {@link Action} order
   * @param triggers when it runs
   * @param options the actions' options
   */
  public record Job(
      String name,
      List<String> tables,
      List<Action> actions,
      Triggers triggers,
      ActionOptions options) {
    public Job {
      Objects.requireNonNull(name, "name");
      tables = List.copyOf(tables);
      actions = actions.stream().distinct().sorted().toList();
      Objects.requireNonNull(triggers, "triggers");
      Objects.requireNonNull(options, "options");
    }
  }

  /**
   * When a job runs on a table: when any given trigger fires. At least one is given.
   *
   * @param cron fires at the times the expression matches (UTC), or null
   * @param everyCommits fires once the table has this many new commits since the job last ran on it
   *     (rewrites by maintenance do not count), or null
   * @param smallFiles fires once the table's current snapshot has this many data files below 75% of
   *     the target file size, or null
   * @param deleteFiles fires once the table's current snapshot has this many delete files, or null
   */
  public record Triggers(
      CronSchedule cron, Integer everyCommits, Integer smallFiles, Integer deleteFiles) {
    public Triggers {
      if (cron == null && everyCommits == null && smallFiles == null && deleteFiles == null) {
        throw new IllegalArgumentException("A job needs at least one trigger");
      }
    }
  }

  /**
   * The options of the actions, as {@code lakestream maintain} takes them.
   *
   * @param targetFileSize rewrite-data-files: the size to bin-pack to in bytes, 0 for the table's
   *     {@code write.target-file-size-bytes}
   * @param minInputFiles rewrite-data-files and rewrite-position-deletes: the fewest files of one
   *     partition worth rewriting together
   * @param deleteFileThreshold rewrite-data-files: rewrite every data file that at least this many
   *     delete files apply to
   * @param olderThan expire-snapshots: expire snapshots older than this
   * @param retainLast expire-snapshots: keep this many newest snapshots of every branch
   * @param orphansOlderThan remove-orphan-files: delete unreferenced files older than this
   */
  public record ActionOptions(
      long targetFileSize,
      int minInputFiles,
      int deleteFileThreshold,
      Duration olderThan,
      int retainLast,
      Duration orphansOlderThan) {
    public ActionOptions {
      Objects.requireNonNull(olderThan, "olderThan");
      Objects.requireNonNull(orphansOlderThan, "orphansOlderThan");
    }
  }
}
