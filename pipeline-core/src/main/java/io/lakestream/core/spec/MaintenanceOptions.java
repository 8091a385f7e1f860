package io.lakestream.core.spec;

import io.lakestream.core.spec.MaintenanceSpec.RunIn;
import java.time.Duration;
import java.util.List;

/** The keys of the {@code maintenance} section and of each of its jobs. */
public final class MaintenanceOptions {
  private MaintenanceOptions() {}

  public static final SpecOption<Object> MAINTENANCE =
      SpecOption.key("maintenance")
          .type("section")
          .withDescription(
              "Scheduled maintenance of the spec's Iceberg tables: which actions, on which"
                  + " tables, when (see docs/maintenance.md). Can also be its own file, given to"
                  + " `lakestream schedule --maintenance`.");

  // ---- maintenance

  public static final SpecOption<RunIn> RUN_IN =
      SpecOption.key("run-in")
          .enumType(RunIn.class)
          .defaultValue(RunIn.SCHEDULE)
          .withDescription(
              "Who runs the jobs: `lakestream schedule --spec SPEC`, a process of its own; or the"
                  + " pipeline itself (`lakestream run`), on a thread of its own beside the"
                  + " checkpoints.");

  public static final SpecOption<Duration> CHECK_INTERVAL =
      SpecOption.key("check-interval")
          .durationType()
          .defaultValue(Duration.ofMinutes(1))
          .withDescription(
              "Time between two evaluations of every job's triggers, at least 1s. A cron time is"
                  + " acted on at the first evaluation after it.");

  public static final SpecOption<Duration> LEASE_TTL =
      SpecOption.key("lease-ttl")
          .durationType()
          .defaultValue(Duration.ofMinutes(10))
          .withDescription(
              "How long a maintainer's lease on a table lasts, at least 10s. The holder renews"
                  + " it every third of this while it works; a maintainer that dies leaves it to"
                  + " expire. Keep it far above the clock skew between machines.");

  public static final SpecOption<Object> JOBS =
      SpecOption.key("jobs")
          .type("list")
          .required()
          .withDescription("The jobs, each a map as below.");

  public static final List<SpecOption<?>> MAINTENANCE_OPTIONS =
      List.of(RUN_IN, CHECK_INTERVAL, LEASE_TTL, JOBS);

  // ---- maintenance.jobs[i]

  public static final SpecOption<String> JOB_NAME =
      SpecOption.key("name")
          .stringType()
          .required()
          .withDescription(
              "The job's name, unique in the spec: letters, digits, '.', '_' and '-'. Each table"
                  + " records when the job last ran on it under this name.");

  public static final SpecOption<List<String>> JOB_TABLES =
      SpecOption.key("tables")
          .stringListType()
          .computedDefault("every table the spec writes")
          .withDescription(
              "The tables, `namespace.name`, each one the spec writes: the sink table, late"
                  + " tables, the dead-letter table.");

  public static final SpecOption<List<String>> JOB_ACTIONS =
      SpecOption.key("actions")
          .stringListType()
          .required()
          .withDescription(
              "What the job does, run in this order whatever the order written:"
                  + " `rewrite-data-files`, `rewrite-position-deletes`, `rewrite-manifests`,"
                  + " `expire-snapshots`, `remove-orphan-files` (as `lakestream maintain`"
                  + " describes them).");

  public static final SpecOption<String> JOB_CRON =
      SpecOption.key("cron")
          .stringType()
          .withDescription(
              "Run at the times this five-field cron expression matches, in UTC: `minute hour"
                  + " day-of-month month day-of-week`, e.g. `0 */6 * * *`.");

  public static final SpecOption<Integer> JOB_EVERY_COMMITS =
      SpecOption.key("every-commits")
          .intType()
          .withDescription(
              "Run once a table has this many new commits since the job last ran on it;"
                  + " maintenance's own rewrites do not count.");

  public static final SpecOption<Integer> JOB_SMALL_FILES =
      SpecOption.key("small-files")
          .intType()
          .withDescription(
              "Run once a table has this many data files smaller than 75% of the target file"
                  + " size.");

  public static final SpecOption<Integer> JOB_DELETE_FILES =
      SpecOption.key("delete-files")
          .intType()
          .withDescription("Run once a table has this many delete files.");

  public static final SpecOption<Long> JOB_TARGET_FILE_SIZE =
      SpecOption.key("target-file-size")
          .byteSizeType()
          .computedDefault("the table's `write.target-file-size-bytes`")
          .withDescription(
              "`rewrite-data-files`: the size to bin-pack to; also what `small-files` counts"
                  + " against.");

  public static final SpecOption<Integer> JOB_MIN_INPUT_FILES =
      SpecOption.key("min-input-files")
          .intType()
          .defaultValue(5)
          .withDescription(
              "`rewrite-data-files`, `rewrite-position-deletes`: the fewest files of one"
                  + " partition worth rewriting together, at least 1.");

  public static final SpecOption<Integer> JOB_DELETE_FILE_THRESHOLD =
      SpecOption.key("delete-file-threshold")
          .intType()
          .defaultValue(1)
          .withDescription(
              "`rewrite-data-files`: rewrite every data file that at least this many delete files"
                  + " apply to, however big.");

  public static final SpecOption<Duration> JOB_OLDER_THAN =
      SpecOption.key("older-than")
          .durationType()
          .defaultValue(Duration.ofDays(5))
          .withDescription(
              "`expire-snapshots`: expire snapshots older than this (`0s`: all but"
                  + " `retain-last`).");

  public static final SpecOption<Integer> JOB_RETAIN_LAST =
      SpecOption.key("retain-last")
          .intType()
          .defaultValue(1)
          .withDescription("`expire-snapshots`: keep this many newest snapshots of every branch.");

  public static final SpecOption<Duration> JOB_ORPHANS_OLDER_THAN =
      SpecOption.key("orphans-older-than")
          .durationType()
          .defaultValue(Duration.ofDays(3))
          .withDescription(
              "`remove-orphan-files`: delete unreferenced files last modified longer ago than"
                  + " this, at least 1m; keep it far above the checkpoint interval.");

  public static final List<SpecOption<?>> JOB_OPTIONS =
      List.of(
          JOB_NAME,
          JOB_TABLES,
          JOB_ACTIONS,
          JOB_CRON,
          JOB_EVERY_COMMITS,
          JOB_SMALL_FILES,
          JOB_DELETE_FILES,
          JOB_TARGET_FILE_SIZE,
          JOB_MIN_INPUT_FILES,
          JOB_DELETE_FILE_THRESHOLD,
          JOB_OLDER_THAN,
          JOB_RETAIN_LAST,
          JOB_ORPHANS_OLDER_THAN);
}
