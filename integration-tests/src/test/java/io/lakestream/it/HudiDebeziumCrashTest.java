package io.lakestream.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.cli.embedded.EmbeddedKafkaBroker;
import io.lakestream.hudi.HudiSnapshotReader;
import io.lakestream.hudi.HudiTableInspection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DebeziumKafkaTest}'s randomized Debezium change stream (creates, snapshot reads, updates
 * of one key in a row, deletes and tombstones) into a Hudi copy-on-write table, with only the
 * {@code sink} block changed, under SIGKILLs after a table commit, after persisting a checkpoint,
 * and at a random moment. The table, read with Hudi's reader, must equal the table the events
 * describe, and no instant may carry a checkpoint twice.
 */
@ExtendWith(KafkaBroker.class)
class HudiDebeziumCrashTest {
  @TempDir Path dir;

  @Test
  void killedRunsLeaveTheTableTheEventsDescribe(EmbeddedKafkaBroker broker) throws Exception {
    String topic = "dbz-hudi";
    broker.createTopic(topic, 3);
    DebeziumChanges changes = new DebeziumChanges(System.nanoTime());
    Path table = dir.resolve("warehouse/hudi/customers").toAbsolutePath();
    Path spec =
        HudiSpecs.withHudiSink(
            DebeziumChanges.writeSpec(dir, broker.bootstrapServers(), topic),
            table,
            DebeziumChanges.TABLE,
            "operation: upsert",
            "record-key: [id]");
    int run = 0;
    for (String kill : List.of("COMMITTED", "random", "PERSISTED")) {
      changes.produce(broker.bootstrapServers(), topic, 2_000);
      List<String> props =
          kill.equals("random") ? List.of() : List.of("lakestream.debug.pause-at=" + kill);
      try (PipelineProcess p =
          PipelineProcess.start(dir.resolve("logs-" + run++), props, "run", spec.toString())) {
        if (kill.equals("random")) {
          Thread.sleep(2_000 + changes.random.nextInt(3_000));
        } else {
          p.awaitOutput("PAUSED " + kill, Duration.ofSeconds(60));
        }
        p.kill();
      }
    }
    changes.produce(broker.bootstrapServers(), topic, 1_000);
    try (PipelineProcess p =
        PipelineProcess.start(
            dir.resolve("logs-final"), List.of(), "run", spec.toString(), "--stop-at-end")) {
      assertThat(p.waitFor(Duration.ofMinutes(3))).as(p.tail()).isZero();
    }

    Map<Long, List<Object>> actual = new TreeMap<>();
    List<Long> doubled = new ArrayList<>();
    for (Map<String, Object> r : HudiSnapshotReader.read(table.toUri().toString())) {
      Object at = r.get("updated_at");
      List<Object> row =
          List.of(
              r.get("id"),
              String.valueOf(r.get("name")),
              String.valueOf(r.get("balance")),
              at == null ? "null" : WindowAssertions.micros(at));
      if (actual.put((Long) r.get("id"), row) != null) {
        doubled.add((Long) r.get("id"));
      }
    }
    assertThat(doubled).as("keys with two rows (seed %d)", changes.seed).isEmpty();
    assertThat(actual)
        .as("Hudi table vs the events (seed %d)", changes.seed)
        .isEqualTo(changes.table);
    assertThat(new HudiTableInspection(table.toUri().toString()).checkpoints())
        .doesNotHaveDuplicates()
        .isNotEmpty();
  }
}
