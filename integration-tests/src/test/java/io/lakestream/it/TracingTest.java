package io.lakestream.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.cli.embedded.EmbeddedKafkaBroker;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real pipeline (two tables: the output and the dead-letter table) run with an OTLP endpoint
 * sends a {@code checkpoint} span per checkpoint and, inside it, a {@code commit} span per table
 * commit, to a receiver in the test: the commits' checkpoint ids, rows and bytes are those of the
 * tables' own snapshots, and add up to what the test produced.
 */
@ExtendWith(KafkaBroker.class)
class TracingTest {
  private static final int EVENTS = 1_500;
  private static final int BAD_EVERY = 100;
  private static final int MORE = 500;

  @TempDir Path dir;

  @Test
  void sendsCheckpointAndCommitSpansWithWhatTheTablesHold(EmbeddedKafkaBroker broker)
      throws Exception {
    String topic = "tracing";
    broker.createTopic(topic, 2);
    String servers = broker.bootstrapServers();
    int bad = TestEvents.produce(servers, topic, 0, EVENTS, BAD_EVERY).badCoordinates().size();
    TestPipeline p = TestPipeline.of(dir, servers, topic).withPolicy("dead-letter");
    Path spec = p.writeSpec();

    try (OtlpReceiver receiver = new OtlpReceiver();
        PipelineProcess run =
            PipelineProcess.start(
                dir.resolve("logs"),
                List.of(
                    "otel.exporter.otlp.endpoint=" + receiver.endpoint(),
                    "otel.bsp.schedule.delay=200"),
                "run",
                spec.toString())) {
      run.awaitCommitted(p, EVENTS + bad);
      TestEvents.produce(servers, topic, EVENTS, MORE, 0); // a later checkpoint
      run.awaitCommitted(p, EVENTS + bad + MORE);
      run.terminate(); // a clean stop sends the spans not sent yet
      assertThat(run.waitFor(Duration.ofMinutes(1))).as(run.tail()).isZero();

      assertThat(receiver.failures()).isEmpty();
      List<Span> spans = receiver.spans();
      Map<String, Span> checkpoints = new HashMap<>();
      for (Span s : spans) {
        if (s.getName().equals("checkpoint")) {
          checkpoints.put(hex(s.getSpanId().toByteArray()), s);
          assertThat(string(s, "lakestream.pipeline")).isEqualTo(p.pipelineId());
        }
      }
      assertThat(checkpoints).as("spans: %s\n%s", spans, run.tail()).isNotEmpty();

      // per table: checkpoint id -> rows and bytes, as the commit spans tell and as the table's
      // snapshots do
      Map<String, Map<Long, List<Long>>> traced = new TreeMap<>();
      Map<Span, Long> rowsUnderCheckpoint = new HashMap<>();
      for (Span s : spans) {
        if (!s.getName().equals("commit") || !bool(s, "lakestream.committed")) {
          continue;
        }
        long id = number(s, "lakestream.checkpoint.id");
        long rows = number(s, "lakestream.records");
        traced
            .computeIfAbsent(string(s, "lakestream.table"), t -> new TreeMap<>())
            .put(id, List.of(rows, number(s, "lakestream.bytes")));
        Span parent = checkpoints.get(hex(s.getParentSpanId().toByteArray()));
        assertThat(parent).as("the checkpoint span of commit %s", id).isNotNull();
        assertThat(parent.getTraceId()).isEqualTo(s.getTraceId());
        assertThat(number(parent, "lakestream.checkpoint.id")).isEqualTo(id);
        rowsUnderCheckpoint.merge(parent, rows, Long::sum);
      }
      rowsUnderCheckpoint.forEach(
          (checkpoint, rows) ->
              assertThat(number(checkpoint, "lakestream.records")).isEqualTo(rows));

      Map<String, Map<Long, List<Long>>> inTables = new TreeMap<>();
      for (String table : List.of(TestPipeline.TABLE, TestPipeline.DEAD_LETTER_TABLE)) {
        inTables.put(table, commitsOf(LakeTables.load(p, table)));
      }
      assertThat(traced).isEqualTo(inTables);
      assertThat(sum(traced.get(TestPipeline.TABLE))).isEqualTo(EVENTS + MORE);
      assertThat(sum(traced.get(TestPipeline.DEAD_LETTER_TABLE))).isEqualTo(bad);
      assertThat(traced.get(TestPipeline.TABLE)).hasSizeGreaterThan(1);
    }
  }

  /**
   * Checkpoint id -> rows and bytes of files added, of every snapshot of {@code t} a pipeline
   * commit made.
   */
  private static Map<Long, List<Long>> commitsOf(Table t) {
    Map<Long, List<Long>> commits = new TreeMap<>();
    for (Snapshot s : t.snapshots()) {
      String id = s.summary().get("lakestream.checkpoint-id");
      if (id != null) {
        commits.put(
            Long.parseLong(id),
            List.of(
                Long.parseLong(s.summary().getOrDefault("added-records", "0")),
                Long.parseLong(s.summary().getOrDefault("added-files-size", "0"))));
      }
    }
    return commits;
  }

  private static long sum(Map<Long, List<Long>> rowsAndBytes) {
    return rowsAndBytes.values().stream().mapToLong(v -> v.get(0)).sum();
  }

  private static AnyValue attribute(Span s, String key) {
    for (KeyValue kv : s.getAttributesList()) {
      if (kv.getKey().equals(key)) {
        return kv.getValue();
      }
    }
    throw new AssertionError("Span " + s.getName() + " has no attribute " + key + ": " + s);
  }

  private static String string(Span s, String key) {
    return attribute(s, key).getStringValue();
  }

  private static long number(Span s, String key) {
    return attribute(s, key).getIntValue();
  }

  private static boolean bool(Span s, String key) {
    return attribute(s, key).getBoolValue();
  }

  private static String hex(byte[] bytes) {
    return java.util.HexFormat.of().formatHex(bytes);
  }
}
