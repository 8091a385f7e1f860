package io.lakestream.cli;

import io.lakestream.compaction.ActionResult;
import io.lakestream.compaction.MaintenanceScheduler;
import io.lakestream.core.spec.MaintenanceSpec.RunIn;
import io.lakestream.core.spec.PipelineSpec;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The maintenance jobs of a spec with {@code maintenance.run-in: pipeline}, run by {@code
 * lakestream run} on a thread of its own while the pipeline runs. It shares no state with the
 * pipeline: it loads the tables from the catalog, holds each table's lease while it works, and its
 * commits meet the pipeline's as any other maintainer's do (see docs/maintenance.md). A failing job
 * is logged and never stops the pipeline.
 */
final class PipelineMaintenance implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PipelineMaintenance.class);

  /** How long closing waits for the job at hand; a job cut short is safe, only wasted. */
  private static final Duration FINISH = Duration.ofSeconds(30);

  private final CountDownLatch stop = new CountDownLatch(1);
  private final Thread thread;

  private PipelineMaintenance(PipelineSpec spec) {
    MaintenanceScheduler scheduler =
        new MaintenanceScheduler(
            spec.maintenance(),
            spec.sink().catalog(),
            MaintenanceScheduler.defaultOwner(),
            Clock.systemUTC(),
            LOG::debug);
    this.thread =
        new Thread(
            () -> {
              try (scheduler) {
                scheduler.runUntil(
                    stop,
                    run -> {
                      LOG.info("{}", run.line());
                      run.results().stream().map(ActionResult::line).forEach(LOG::info);
                    });
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } catch (RuntimeException e) {
                LOG.error("Maintenance stopped; the pipeline goes on: {}", e.toString());
              }
            },
            "maintenance");
    thread.setDaemon(true);
    thread.start();
  }

  /** Starts the jobs if the spec runs them in the pipeline; null otherwise. */
  static PipelineMaintenance startIfInPipeline(PipelineSpec spec) {
    if (spec.maintenance().runIn() != RunIn.PIPELINE || spec.maintenance().jobs().isEmpty()) {
      return null;
    }
    LOG.info(
        "Running {} maintenance job(s) in the pipeline every {}",
        spec.maintenance().jobs().size(),
        spec.maintenance().checkInterval());
    return new PipelineMaintenance(spec);
  }

  @Override
  public void close() {
    stop.countDown();
    try {
      thread.join(FINISH.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
