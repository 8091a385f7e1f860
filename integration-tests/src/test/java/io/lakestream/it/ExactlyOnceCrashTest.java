package io.lakestream.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.cli.embedded.EmbeddedKafkaBroker;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exactly-once proof: a pipeline in a child JVM is killed with SIGKILL at each phase boundary
 * of the commit protocol and at random moments, restarted each time, and finally run to the end of
 * its input. Every event must then be in the output table exactly once, every malformed record in
 * the dead-letter table exactly once, and no checkpoint committed twice to either table.
 */
@ExtendWith(KafkaBroker.class)
class ExactlyOnceCrashTest {
  private static final int RECORDS = 200_000;
  private static final int PARTITIONS = 4;
  private static final int BAD_EVERY = 10_000;

  /** Where each run is killed: at a phase boundary (pausing there first), or at a random time. */
  private static final List<String> KILLS =
      List.of("PREPARED", "PERSISTED", "COMMITTED", "random", "random", "PERSISTED:3", "random");

  @TempDir Path dir;

  @Test
  void everyRecordLandsExactlyOnceAcrossKills(EmbeddedKafkaBroker broker) throws Exception {
    crashAndVerify(broker, "crash-keep-state", false);
  }

  @Test
  void everyRecordLandsExactlyOnceWhenEveryRestartHasAnEmptyCheckpointDirectory(
      EmbeddedKafkaBroker broker) throws Exception {
    crashAndVerify(broker, "crash-wipe-state", true);
  }

  private void crashAndVerify(EmbeddedKafkaBroker broker, String topic, boolean wipeState)
      throws Exception {
    broker.createTopic(topic, PARTITIONS);
    TestPipeline p =
        TestPipeline.of(dir, broker.bootstrapServers(), topic).withPolicy("dead-letter");
    Path spec = p.writeSpec();
    long seed = System.nanoTime();
    Random random = new Random(seed);
    int slice = RECORDS / (KILLS.size() + 1);
    List<Long> ids = new ArrayList<>();
    List<String> bad = new ArrayList<>();
    BigDecimal sum = BigDecimal.ZERO;

    for (int run = 0; run <= KILLS.size(); run++) {
      long count = run == KILLS.size() ? RECORDS - (long) slice * KILLS.size() : slice;
      TestEvents.Produced produced =
          TestEvents.produce(broker.bootstrapServers(), topic, ids.size(), count, BAD_EVERY);
      ids.addAll(produced.ids());
      bad.addAll(produced.badCoordinates());
      sum = sum.add(produced.amountSum());

      if (run == KILLS.size()) {
        try (PipelineProcess last =
            PipelineProcess.start(
                dir.resolve("logs"), List.of(), "run", spec.toString(), "--stop-at-end")) {
          assertThat(last.waitFor(Duration.ofMinutes(5)))
              .as("final run (seed %d)\n%s", seed, last.tail())
              .isZero();
        }
        break;
      }
      String kill = KILLS.get(run);
      List<String> props =
          kill.equals("random") ? List.of() : List.of("lakestream.debug.pause-at=" + kill);
      try (PipelineProcess child =
          PipelineProcess.start(dir.resolve("logs"), props, "run", spec.toString())) {
        if (kill.equals("random")) {
          Thread.sleep(500 + random.nextInt(3000));
        } else {
          child.awaitOutput("^PAUSED " + kill.split(":")[0] + " ", Duration.ofMinutes(2));
        }
        child.kill();
      }
      if (wipeState) {
        deleteRecursively(p.stateDir());
      }
    }

    List<Record> rows = LakeTables.rows(p, TestPipeline.TABLE);
    List<Long> landed = rows.stream().map(r -> (Long) r.getField("event_id")).sorted().toList();
    assertThat(landed)
        .as(
            "event ids in the table (seed %d): %s",
            seed, describeDifference(landed, LakeTables.load(p, TestPipeline.TABLE)))
        .isEqualTo(LongStream.range(0, RECORDS).boxed().toList());
    assertThat(ids).hasSize(RECORDS);
    BigDecimal landedSum =
        rows.stream()
            .map(r -> (BigDecimal) r.getField("amount"))
            .reduce(BigDecimal.ZERO, BigDecimal::add);
    assertThat(landedSum).isEqualTo(sum);

    List<Record> deadLetters = LakeTables.rows(p, TestPipeline.DEAD_LETTER_TABLE);
    List<String> deadCoordinates =
        deadLetters.stream()
            .map(r -> r.getField("partition") + "@" + r.getField("offset"))
            .sorted()
            .toList();
    assertThat(deadCoordinates).isEqualTo(bad.stream().sorted().toList());

    for (String table : List.of(TestPipeline.TABLE, TestPipeline.DEAD_LETTER_TABLE)) {
      assertThat(committedCheckpoints(LakeTables.load(p, table))).doesNotHaveDuplicates();
    }
  }

  /**
   * Duplicated and missing ids, and what every snapshot recorded: enough to tell which commit
   * erred.
   */
  private static String describeDifference(List<Long> landed, Table table) {
    Map<Long, Long> counts =
        landed.stream().collect(Collectors.groupingBy(id -> id, Collectors.counting()));
    List<Long> duplicated =
        counts.entrySet().stream()
            .filter(e -> e.getValue() > 1)
            .map(Map.Entry::getKey)
            .sorted()
            .toList();
    List<Long> missing =
        LongStream.range(0, RECORDS).filter(id -> !counts.containsKey(id)).boxed().toList();
    StringBuilder b = new StringBuilder();
    b.append(duplicated.size())
        .append(" duplicated ")
        .append(duplicated.subList(0, Math.min(20, duplicated.size())));
    b.append(", ")
        .append(missing.size())
        .append(" missing ")
        .append(missing.subList(0, Math.min(20, missing.size())));
    for (Snapshot s : table.snapshots()) {
      b.append("\n  snapshot ")
          .append(s.sequenceNumber())
          .append(' ')
          .append(s.operation())
          .append(" checkpoint=")
          .append(s.summary().get("lakestream.checkpoint-id"))
          .append(" added-records=")
          .append(s.summary().get("added-records"))
          .append(" positions=")
          .append(s.summary().get("lakestream.source-positions"));
    }
    return b.toString();
  }

  private static List<String> committedCheckpoints(Table table) {
    List<String> ids = new ArrayList<>();
    for (Snapshot s : table.snapshots()) {
      Map<String, String> summary = s.summary();
      if (summary.containsKey("lakestream.checkpoint-id")) {
        ids.add(summary.get("lakestream.checkpoint-id"));
      }
    }
    return ids;
  }

  private static void deleteRecursively(Path path) throws java.io.IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path f : walk.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
        Files.delete(f);
      }
    }
  }
}
