package io.lakestream.compaction;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.core.spec.CronSchedule;
import io.lakestream.core.spec.MaintenanceSpec;
import io.lakestream.core.spec.MaintenanceSpec.Action;
import io.lakestream.core.spec.MaintenanceSpec.Job;
import io.lakestream.core.spec.MaintenanceSpec.RunIn;
import io.lakestream.core.spec.PipelineSpec;
import io.lakestream.core.spec.SpecException;
import io.lakestream.core.spec.SpecParser;
import io.lakestream.core.spec.SpecProblem;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code maintenance} section as the parser reads it, with the Iceberg sink on the class path
 * (the section applies to Iceberg tables only).
 */
class MaintenanceSectionTest {
  @TempDir Path dir;

  private static final String SPEC =
      """
      pipeline: orders
      source:
        kafka:
          bootstrap-servers: localhost:9092
          topics: [orders]
      schema:
        fields:
          - {name: id, type: long}
      sink:
        iceberg: {table: shop.orders}
      errors: {policy: dead-letter}
      """;

  private static List<String> problemsOf(String yaml) {
    try {
      SpecParser.parse(yaml);
    } catch (SpecException e) {
      return e.problems().stream().map(SpecProblem::toString).toList();
    }
    throw new AssertionError("expected problems:\n" + yaml);
  }

  @Test
  void readsJobsWithTheirTablesActionsTriggersAndOptions() {
    PipelineSpec spec =
        SpecParser.parse(
            SPEC
                + """
                maintenance:
                  run-in: pipeline
                  check-interval: 10s
                  lease-ttl: 2m
                  jobs:
                    - name: compact
                      actions: [expire-snapshots, rewrite-data-files]
                      every-commits: 10
                      cron: "30 */6 * * 1-5"
                      target-file-size: 64MB
                      older-than: 1d
                    - name: orphans
                      tables: [shop.orders]
                      actions: [remove-orphan-files]
                      delete-files: 4
                      small-files: 8
                """);

    MaintenanceSpec m = spec.maintenance();
    assertThat(m.runIn()).isEqualTo(RunIn.PIPELINE);
    assertThat(m.checkInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(m.leaseTtl()).isEqualTo(Duration.ofMinutes(2));
    Job compact = m.jobs().get(0);
    assertThat(compact.tables()).containsExactly("shop.orders", "shop.orders_dead_letter");
    assertThat(compact.actions())
        .containsExactly(Action.REWRITE_DATA_FILES, Action.EXPIRE_SNAPSHOTS);
    assertThat(compact.triggers().everyCommits()).isEqualTo(10);
    assertThat(compact.triggers().cron().next(Instant.parse("2026-12-07T20:00:00Z")))
        .as("a Monday")
        .isEqualTo(Instant.parse("2026-12-08T00:30:00Z"));
    assertThat(compact.options().targetFileSize()).isEqualTo(64L << 20);
    assertThat(compact.options().olderThan()).isEqualTo(Duration.ofDays(1));
    assertThat(compact.options().retainLast()).isEqualTo(1);
    Job orphans = m.jobs().get(1);
    assertThat(orphans.tables()).containsExactly("shop.orders");
    assertThat(orphans.triggers().deleteFiles()).isEqualTo(4);
    assertThat(orphans.triggers().smallFiles()).isEqualTo(8);
    assertThat(orphans.options().orphansOlderThan()).isEqualTo(Duration.ofDays(3));
    assertThat(SpecParser.parse(SPEC).maintenance()).isEqualTo(MaintenanceSpec.NONE);
  }

  @Test
  void reportsEveryProblemWithItsPath() {
    List<String> problems =
        problemsOf(
            SPEC
                + """
                maintenance:
                  run-in: cron
                  lease-ttl: 1s
                  jobs:
                    - name: compact
                      tables: [shop.order]
                      actions: [rewrite-data-file, expire-snapshots]
                      cron: "61 * * *"
                      retain-last: 0
                      orphans-older-than: 1h
                    - name: compact
                      actions: [rewrite-manifests]
                    - name: "two words"
                      actions: [expire-snapshots]
                      every-commits: 0
                      cron: "0 0 30 2 *"
                    - just-a-string
                """);

    assertThat(problems)
        .containsExactly(
            "maintenance.run-in: must be one of schedule, pipeline (got \"cron\")",
            "maintenance.lease-ttl: must be at least 10s (got \"1s\")",
            "maintenance.jobs[0].tables[0]: unknown table \"shop.order\", did you mean"
                + " \"shop.orders\"? (the spec writes: shop.orders, shop.orders_dead_letter)",
            "maintenance.jobs[0].actions[0]: unknown action \"rewrite-data-file\", did you mean"
                + " \"rewrite-data-files\"? (known: rewrite-data-files, rewrite-position-deletes,"
                + " rewrite-manifests, expire-snapshots, remove-orphan-files)",
            "maintenance.jobs[0].cron: must have 5 fields, minute hour day-of-month month"
                + " day-of-week, e.g. \"0 * * * *\" (got \"61 * * *\")",
            "maintenance.jobs[0].retain-last: must be between 1 and 1000000 (got 0)",
            "maintenance.jobs[1].name: another job has this name; names must be unique (got"
                + " \"compact\")",
            "maintenance.jobs[1]: needs at least one trigger: cron, every-commits, small-files,"
                + " delete-files",
            "maintenance.jobs[2].name: must be letters, digits, '.', '_' and '-' (got \"two"
                + " words\")",
            "maintenance.jobs[2].cron: matches no time (got \"0 0 30 2 *\")",
            "maintenance.jobs[2].every-commits: must be between 1 and 1000000 (got 0)",
            "maintenance.jobs[3]: must be a map (got \"just-a-string\")");
  }

  @Test
  void optionsOfActionsTheJobDoesNotRunAreProblems() {
    assertThat(
            problemsOf(
                SPEC
                    + """
                    maintenance:
                      jobs:
                        - name: expire
                          actions: [expire-snapshots]
                          every-commits: 5
                          target-file-size: 1GB
                          orphans-older-than: 5d
                    """))
        .containsExactlyInAnyOrder(
            "maintenance.jobs[0].target-file-size: applies only to rewrite-data-files, which the"
                + " job does not run",
            "maintenance.jobs[0].orphans-older-than: applies only to remove-orphan-files, which the"
                + " job does not run");
  }

  @Test
  void aMaintenanceFileIsCheckedAgainstItsSpec() throws Exception {
    PipelineSpec spec = SpecParser.parse(SPEC);
    Path file = dir.resolve("maintenance.yaml");
    Files.writeString(
        file,
        "maintenance:\n  jobs:\n    - {name: m, actions: [rewrite-manifests], every-commits: 2}\n",
        StandardCharsets.UTF_8);
    assertThat(SpecParser.parseMaintenance(file, spec).jobs())
        .singleElement()
        .satisfies(j -> assertThat(j.tables()).hasSize(2));

    Files.writeString(
        file,
        "maintenance:\n  jobs:\n    - {name: m, tables: [x.y], actions: [rewrite-manifests], every-commits: 2}\npipeline: p\n",
        StandardCharsets.UTF_8);
    try {
      SpecParser.parseMaintenance(file, spec);
      throw new AssertionError("expected problems");
    } catch (SpecException e) {
      assertThat(e.problems().stream().map(SpecProblem::toString))
          .containsExactly(
              "pipeline: unknown key (known: maintenance)",
              "maintenance.jobs[0].tables[0]: unknown table \"x.y\" (the spec writes:"
                  + " shop.orders, shop.orders_dead_letter)");
    }
  }

  @Test
  void cronFindsTheNextMatchingMinute() {
    Instant t = Instant.parse("2026-12-07T20:41:30Z");
    assertThat(CronSchedule.parse("* * * * *").next(t))
        .isEqualTo(Instant.parse("2026-12-07T20:42:00Z"));
    assertThat(CronSchedule.parse("*/15 * * * *").next(t))
        .isEqualTo(Instant.parse("2026-12-07T20:45:00Z"));
    assertThat(CronSchedule.parse("0 3 1 * *").next(t))
        .isEqualTo(Instant.parse("2027-01-01T03:00:00Z"));
    assertThat(CronSchedule.parse("0 0 * * 0").next(t))
        .as("Sunday")
        .isEqualTo(Instant.parse("2026-12-13T00:00:00Z"));
    assertThat(CronSchedule.parse("0 0 13 * 5").next(t))
        .as("the 13th or a Friday")
        .isEqualTo(Instant.parse("2026-12-11T00:00:00Z"));
  }
}
