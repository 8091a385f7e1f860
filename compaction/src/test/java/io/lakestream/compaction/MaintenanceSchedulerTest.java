package io.lakestream.compaction;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.compaction.MaintenanceScheduler.JobRun;
import io.lakestream.compaction.MaintenanceScheduler.Outcome;
import io.lakestream.core.spec.MaintenanceSpec;
import io.lakestream.core.spec.MaintenanceSpec.Action;
import io.lakestream.core.spec.MaintenanceSpec.ActionOptions;
import io.lakestream.core.spec.MaintenanceSpec.Job;
import io.lakestream.core.spec.MaintenanceSpec.RunIn;
import io.lakestream.core.spec.MaintenanceSpec.Triggers;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MaintenanceSchedulerTest {
  @TempDir Path dir;

  private static final ActionOptions OPTIONS =
      new ActionOptions(0, 2, 1, Duration.ofDays(5), 1, Duration.ofDays(3));

  private MaintenanceSpec spec(Triggers triggers) {
    Job job =
        new Job(
            "compact", List.of("db.events"), List.of(Action.REWRITE_DATA_FILES), triggers, OPTIONS);
    return new MaintenanceSpec(
        RunIn.SCHEDULE, Duration.ofSeconds(1), Duration.ofMinutes(1), List.of(job));
  }

  private Map<String, Object> catalog() {
    return Map.of(
        "type",
        "jdbc",
        "uri",
        "jdbc:sqlite:" + dir.resolve("catalog.db"),
        "warehouse",
        dir.resolve("warehouse").toUri().toString());
  }

  @Test
  void runsAJobEveryNCommitsNotCountingItsOwnRewrites() throws Exception {
    try (TestTable t = new TestTable(dir);
        MaintenanceScheduler scheduler =
            new MaintenanceScheduler(
                spec(new Triggers(null, 3, null, null)),
                catalog(),
                "test",
                Clock.systemUTC(),
                line -> {})) {
      t.append(0, 10, 0);
      t.append(10, 20, 0);
      assertThat(scheduler.runDue()).as("2 commits of 3").isEmpty();
      t.append(20, 30, 0);
      SortedSet<Long> expected = TestTable.ids(t.table);

      List<JobRun> runs = scheduler.runDue();

      assertThat(runs).singleElement().extracting(JobRun::outcome).isEqualTo(Outcome.RAN);
      assertThat(runs.get(0).detail()).isEqualTo("3 commits since the last run");
      assertThat(runs.get(0).results().get(0).count("files-rewritten")).isEqualTo(3);
      assertThat(TestTable.dataFiles(t.table)).isEqualTo(1);
      assertThat(TestTable.ids(t.table)).isEqualTo(expected);
      assertThat(scheduler.runDue()).as("its own rewrite is no commit").isEmpty();
      t.table.refresh();
      assertThat(t.table.properties())
          .containsKey(MaintenanceScheduler.LAST_RUN_PREFIX + "compact")
          .doesNotContainKey(TableLease.PROPERTY);
    }
  }

  @Test
  void leavesATableToTheMaintainerHoldingItsLease() throws Exception {
    try (TestTable t = new TestTable(dir);
        MaintenanceScheduler scheduler =
            new MaintenanceScheduler(
                spec(new Triggers(null, null, 2, null)),
                catalog(),
                "mine",
                Clock.systemUTC(),
                line -> {})) {
      t.append(0, 10, 0);
      t.append(10, 20, 0);
      TableLease other = new TableLease("other", Duration.ofMinutes(1), Clock.systemUTC());
      assertThat(other.acquire(t.load())).isTrue();

      List<JobRun> runs = scheduler.runDue();

      assertThat(runs).singleElement().extracting(JobRun::outcome).isEqualTo(Outcome.BUSY);
      assertThat(runs.get(0).line()).endsWith("left to the lease holder (lease held by other)");
      assertThat(TestTable.dataFiles(t.table)).isEqualTo(2);
      assertThat(other.release(t.load(), Map.of())).isTrue();
      assertThat(scheduler.runDue())
          .singleElement()
          .satisfies(r -> assertThat(r.detail()).isEqualTo("2 small data files"))
          .extracting(JobRun::outcome)
          .isEqualTo(Outcome.RAN);
      assertThat(TestTable.dataFiles(t.table)).isEqualTo(1);
    }
  }
}
