package io.lakestream.compaction;

import io.lakestream.core.error.Failures;
import io.lakestream.core.spec.MaintenanceSpec;
import io.lakestream.core.spec.MaintenanceSpec.Job;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.iceberg.Table;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the jobs of a {@code maintenance} section when their triggers fire, holding each table's
 * {@link TableLease} while it works on it, so that of any number of schedulers (and pipelines
 * running maintenance themselves) one acts on a table at a time.
 *
 * <p>For each job and table, one evaluation: read when the job last ran on the table (the property
 * {@value #LAST_RUN_PREFIX}{@code <job>}), check the triggers, take the lease or leave the table to
 * its holder, run the actions in order while a background thread renews the lease every third of
 * its time to live, stop between actions if the lease was lost, and release the lease recording the
 * time the run started. A failed action is reported and the job is tried again at the next
 * evaluation; other tables and jobs go on.
 */
public final class MaintenanceScheduler implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MaintenanceScheduler.class);

  /** Table properties {@code <prefix><job>}: when the job last ran on the table, epoch millis. */
  public static final String LAST_RUN_PREFIX = "lakestream.maintenance.last-run.";

  private final MaintenanceSpec spec;
  private final TableMaintenance catalog;
  private final TableLease lease;
  private final Clock clock;
  private final Instant started;
  private final Consumer<String> progress;
  private final ScheduledExecutorService renewals =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "maintenance-lease");
            t.setDaemon(true);
            return t;
          });

  /**
   * @param catalogSection the {@code catalog} section of the spec's sink, null for the default
   * @param owner this scheduler's name in leases: unique per process ({@link #defaultOwner()})
   * @param progress receives progress lines of long work
   * @throws io.lakestream.core.error.PipelineException if the catalog cannot be loaded
   */
  public MaintenanceScheduler(
      MaintenanceSpec spec,
      Map<String, ?> catalogSection,
      String owner,
      Clock clock,
      Consumer<String> progress) {
    this.spec = spec;
    this.catalog = new TableMaintenance(catalogSection);
    this.lease = new TableLease(owner, spec.leaseTtl(), clock);
    this.clock = clock;
    this.started = clock.instant();
    this.progress = progress;
  }

  /** {@code <pid>@<host>/<random>}: unique per process, and says where it runs. */
  public static String defaultOwner() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = "unknown-host";
    }
    return ProcessHandle.current().pid()
        + "@"
        + host
        + "/"
        + UUID.randomUUID().toString().substring(0, 8);
  }

  /**
   * What one evaluation of a due job on one table did.
   *
   * @param detail why the job ran (the trigger that fired), or why it did not finish
   * @param started when the lease was taken; when the evaluation started if it was not
   * @param finished when the work ended, before the lease was released: the runs of two maintainers
   *     on one table never overlap from {@code started} to {@code finished}
   * @param results the results of the actions that ran
   */
  public record JobRun(
      String job,
      String table,
      Outcome outcome,
      String detail,
      Instant started,
      Instant finished,
      List<ActionResult> results) {
    public JobRun {
      results = List.copyOf(results);
    }

    /** One line for people. */
    public String line() {
      return "job " + job + " on " + table + ": " + outcome.text + " (" + detail + ")";
    }
  }

  /** How an evaluation of a due job ended. */
  public enum Outcome {
    RAN("ran"),
    BUSY("left to the lease holder"),
    LEASE_LOST("stopped, lease lost"),
    FAILED("failed");

    private final String text;

    Outcome(String text) {
      this.text = text;
    }
  }

  /**
   * Evaluates every job on every one of its tables once and runs those due.
   *
   * @return what happened to each job that was due, in the order evaluated
   */
  public List<JobRun> runDue() {
    List<JobRun> runs = new ArrayList<>();
    for (Job job : spec.jobs()) {
      for (String table : job.tables()) {
        Instant start = clock.instant();
        try {
          evaluate(job, table, start).ifPresent(runs::add);
        } catch (RuntimeException e) {
          LOG.warn("Maintenance job {} on table {} failed: {}", job.name(), table, e.toString());
          runs.add(run(job, table, Outcome.FAILED, Failures.describe(e), start, List.of()));
        }
      }
    }
    return runs;
  }

  /**
   * Calls {@link #runDue()} every {@code check-interval} until {@code stop} counts down, handing
   * each evaluation's runs to {@code runs}.
   *
   * @throws InterruptedException if the thread is interrupted while waiting
   */
  public void runUntil(CountDownLatch stop, Consumer<JobRun> runs) throws InterruptedException {
    do {
      runDue().forEach(runs);
    } while (!stop.await(spec.checkInterval().toMillis(), TimeUnit.MILLISECONDS));
  }

  private JobRun run(
      Job job,
      String table,
      Outcome outcome,
      String detail,
      Instant start,
      List<ActionResult> results) {
    return new JobRun(job.name(), table, outcome, detail, start, clock.instant(), results);
  }

  private Optional<JobRun> evaluate(Job job, String name, Instant now) {
    Table table = catalog.load(name);
    Instant lastRun = lastRun(table, job);
    Optional<String> fired =
        JobTriggers.firedBy(job, table, now, lastRun == null ? started : lastRun, lastRun);
    if (fired.isEmpty()) {
      return Optional.empty();
    }
    Table leased = catalog.load(name);
    if (!lease.acquire(leased)) {
      String holder = TableLease.holder(leased).map(TableLease.Holder::owner).orElse("unknown");
      LOG.info(
          "Maintenance job {} on table {} is due; {} holds the table", job.name(), name, holder);
      return Optional.of(run(job, name, Outcome.BUSY, "lease held by " + holder, now, List.of()));
    }
    Instant held = clock.instant();
    LOG.info("Maintenance job {} on table {}: {}", job.name(), name, fired.get());
    AtomicBoolean lost = new AtomicBoolean();
    long period = Math.max(1, spec.leaseTtl().toMillis() / 3);
    var renewal =
        renewals.scheduleAtFixedRate(
            () -> renew(leased, lost), period, period, TimeUnit.MILLISECONDS);
    List<ActionResult> results = new ArrayList<>();
    try {
      for (MaintenanceAction action : MaintenanceActions.of(job.actions(), job.options(), clock)) {
        if (lost.get()) {
          LOG.warn("Maintenance job {} on table {} lost its lease; stopping", job.name(), name);
          return Optional.of(run(job, name, Outcome.LEASE_LOST, fired.get(), held, results));
        }
        results.add(action.run(table, false, progress));
      }
    } catch (RuntimeException e) {
      renewal.cancel(false);
      LOG.warn("Maintenance job {} on table {} failed: {}", job.name(), name, e.toString());
      JobRun failed = run(job, name, Outcome.FAILED, Failures.describe(e), held, results);
      lease.release(leased, Map.of());
      return Optional.of(failed);
    } finally {
      renewal.cancel(false);
    }
    JobRun ran = run(job, name, Outcome.RAN, fired.get(), held, results);
    lease.release(leased, Map.of(LAST_RUN_PREFIX + job.name(), Long.toString(now.toEpochMilli())));
    return Optional.of(ran);
  }

  private void renew(Table table, AtomicBoolean lost) {
    try {
      if (!lease.renew(table)) {
        lost.set(true);
      }
    } catch (RuntimeException e) {
      LOG.warn("Cannot renew the maintenance lease of table {}: {}", table.name(), e.toString());
    }
  }

  private static Instant lastRun(Table table, Job job) {
    String value = table.properties().get(LAST_RUN_PREFIX + job.name());
    try {
      return value == null ? null : Instant.ofEpochMilli(Long.parseLong(value));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  @Override
  public void close() {
    renewals.shutdownNow();
    catalog.close();
  }
}
