package io.lakestream.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.cli.embedded.EmbeddedKafkaBroker;
import java.io.IOException;
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

/**
 * The exactly-once proof for an append pipeline over the sample events: runs it in a child JVM,
 * killed with SIGKILL at each given phase boundary of the commit protocol or at a random moment,
 * restarted each time, and finally run to the end of its input; then every event must be in the
 * output table exactly once, every malformed record in the dead-letter table exactly once, and no
 * checkpoint committed twice to either table. The tables are read with {@link LakeTables}, through
 * whatever catalog the pipeline uses.
 *
 * @param records how many events to produce, starting at id 0 on an empty topic
 * @param badEvery one malformed record after every so many events
 * @param kills where each run but the last is killed: a phase ({@code PREPARED}, {@code PERSISTED},
 *     {@code COMMITTED}, optionally {@code :N} for the N-th time), where it pauses first, or {@code
 *     random}
 * @param wipeState whether every restart begins with an empty checkpoint directory
 */
record CrashRuns(int records, int badEvery, List<String> kills, boolean wipeState) {

  /**
   * Produces the events in slices, one before each run, runs {@code p} as described above and
   * asserts the tables.
   *
   * @param p a pipeline with the dead-letter policy, its topic created
   * @return what was produced: the reference the tables were checked against
   */
  TestEvents.Produced runAndVerify(EmbeddedKafkaBroker broker, TestPipeline p) throws Exception {
    Path spec = p.writeSpec();
    long seed = System.nanoTime();
    Random random = new Random(seed);
    int slice = records / (kills.size() + 1);
    List<Long> ids = new ArrayList<>();
    List<String> bad = new ArrayList<>();
    List<byte[]> badValues = new ArrayList<>();
    BigDecimal sum = BigDecimal.ZERO;
    Path logs = p.dir().resolve("logs");

    for (int run = 0; run <= kills.size(); run++) {
      long count = run == kills.size() ? records - (long) slice * kills.size() : slice;
      TestEvents.Produced produced =
          TestEvents.produce(broker.bootstrapServers(), p.topic(), ids.size(), count, badEvery);
      ids.addAll(produced.ids());
      bad.addAll(produced.badCoordinates());
      badValues.addAll(produced.badValues());
      sum = sum.add(produced.amountSum());

      if (run == kills.size()) {
        try (PipelineProcess last =
            PipelineProcess.start(logs, List.of(), "run", spec.toString(), "--stop-at-end")) {
          assertThat(last.waitFor(Duration.ofMinutes(5)))
              .as("final run (seed %d)\n%s", seed, last.tail())
              .isZero();
        }
        break;
      }
      String kill = kills.get(run);
      List<String> props =
          kill.equals("random") ? List.of() : List.of("lakestream.debug.pause-at=" + kill);
      try (PipelineProcess child = PipelineProcess.start(logs, props, "run", spec.toString())) {
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
        .isEqualTo(LongStream.range(0, records).boxed().toList());
    assertThat(ids).hasSize(records);
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
    return new TestEvents.Produced(ids, sum, bad, badValues);
  }

  /**
   * Duplicated and missing ids, and what every snapshot recorded: enough to tell which commit
   * erred.
   */
  private String describeDifference(List<Long> landed, Table table) {
    Map<Long, Long> counts =
        landed.stream().collect(Collectors.groupingBy(id -> id, Collectors.counting()));
    List<Long> duplicated =
        counts.entrySet().stream()
            .filter(e -> e.getValue() > 1)
            .map(Map.Entry::getKey)
            .sorted()
            .toList();
    List<Long> missing =
        LongStream.range(0, records).filter(id -> !counts.containsKey(id)).boxed().toList();
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

  private static void deleteRecursively(Path path) throws IOException {
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
