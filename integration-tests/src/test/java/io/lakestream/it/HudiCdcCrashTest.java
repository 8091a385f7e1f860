package io.lakestream.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.hudi.HudiSnapshotReader;
import io.lakestream.hudi.HudiTableInspection;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL logical replication into a Hudi merge-on-read table, by changing only the {@code sink}
 * block of {@link PostgresCdcTest}'s pipeline: its randomized workload (a snapshot, then inserts,
 * updates and deletes, the same key changed many times in a transaction, TOASTed values left
 * unchanged, and a column added while runs are killed around it) with runs killed by SIGKILL right
 * after a table commit, after persisting a checkpoint and at random moments. Afterwards the table,
 * read with Hudi's file-group reader (base files merged with log files), must equal {@code SELECT
 * *} of the source table row for row, hold the added column, and no instant may carry a checkpoint
 * twice.
 */
@ExtendWith(Postgres.class)
class HudiCdcCrashTest {
  @TempDir Path dir;

  @Test
  void killedRunsLeaveAHudiTableEqualToTheSourceTable(PostgresServer pg) throws Exception {
    String db = "cdc_hudi_crash";
    pg.createDatabase(db);
    long seed = System.nanoTime();
    try (Connection c = pg.connect(db)) {
      PostgresCdcTest.Workload w = new PostgresCdcTest.Workload(c, seed);
      w.createAndFill(300);
      Path table = dir.resolve("warehouse/hudi/orders").toAbsolutePath();
      Path spec = writeSpec(pg, db, table);
      List<String> kills = List.of("COMMITTED", "random", "PERSISTED", "random");
      int run = 0;
      for (String kill : kills) {
        if (run == 2) {
          w.addRegion();
        }
        w.changes(12);
        List<String> props =
            kill.equals("random") ? List.of() : List.of("lakestream.debug.pause-at=" + kill);
        try (PipelineProcess p =
            PipelineProcess.start(dir.resolve("logs-" + run++), props, "run", spec.toString())) {
          if (kill.equals("random")) {
            Thread.sleep(2_000 + (seed & 0x7ff));
          } else {
            try {
              p.awaitOutput("PAUSED " + kill, Duration.ofSeconds(60));
            } catch (org.awaitility.core.ConditionTimeoutException e) {
              throw new AssertionError(
                  "run " + run + " never paused at " + kill + ":\n" + p.tail(), e);
            }
          }
          w.changes(8); // changes while the pipeline runs or hangs at the phase
          p.kill();
        }
      }
      w.changes(10);
      try (PipelineProcess p =
          PipelineProcess.start(
              dir.resolve("logs-final"), List.of(), "run", spec.toString(), "--stop-at-end")) {
        assertThat(p.waitFor(Duration.ofMinutes(3))).as(p.tail()).isZero();
      }

      boolean region = PostgresCdcTest.hasRegion(c);
      assertThat(region).isTrue();
      List<List<Object>> lakeRows = new ArrayList<>();
      for (Map<String, Object> r : HudiSnapshotReader.read(table.toUri().toString())) {
        assertThat(r).as("the Hudi table has the column added at the source").containsKey("region");
        ByteBuffer data = (ByteBuffer) r.get("data");
        lakeRows.add(
            Arrays.asList(
                r.get("region"),
                r.get("id"),
                r.get("customer"),
                r.get("amount"),
                r.get("qty"),
                r.get("note"),
                r.get("updated_at") == null ? null : WindowAssertions.micros(r.get("updated_at")),
                r.get("flag"),
                data == null ? null : List.of(PostgresCdcTest.toObjects(bytes(data)))));
      }
      PostgresCdcTest.assertSameRows(
          PostgresCdcTest.sourceRows(c, true), lakeRows, "Hudi table", seed);
      assertThat(new HudiTableInspection(table.toUri().toString()).checkpoints())
          .doesNotHaveDuplicates()
          .isNotEmpty();
    }
  }

  private static byte[] bytes(ByteBuffer buffer) {
    byte[] b = new byte[buffer.remaining()];
    buffer.duplicate().get(b);
    return b;
  }

  /** {@link PostgresCdcTest}'s pipeline with a Hudi sink block. */
  private Path writeSpec(PostgresServer pg, String db, Path table) throws Exception {
    List<String> lines =
        List.of(
            "pipeline: cdc-" + db,
            "source:",
            "  postgres:",
            "    url: \"" + pg.jdbcUrl(db) + "\"",
            "    user: " + pg.user(),
            "    password: \"" + pg.password() + "\"",
            "    tables: [public.orders]",
            "    slot: slot_hudi_crash",
            "sink:",
            "  hudi:",
            "    path: \"" + table + "\"",
            "    table: lake.orders",
            "    type: merge-on-read",
            "    operation: upsert",
            "    record-key: [id]",
            "    compact-every: 3",
            "checkpoint: {interval: 500ms, dir: \"" + dir.resolve("state").toAbsolutePath() + "\"}",
            "");
    Files.createDirectories(dir);
    Path spec = dir.resolve(db + ".yaml");
    Files.writeString(spec, String.join("\n", lines));
    return spec;
  }
}
