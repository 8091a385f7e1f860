package io.lakestream.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.cli.embedded.EmbeddedKafkaBroker;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.iceberg.data.Record;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bad-input corpus (issue 9) through a real pipeline, broker and Iceberg tables, one topic per
 * error policy: {@link #GOOD_BETWEEN} good events before, between and after each bad value, all in
 * partition 0. The corpus holds a 5 MB record, so its topics allow messages of up to 8 MiB ({@code
 * max.message.bytes}; the broker's default is 1 MB) and the test producer sends requests of up to 8
 * MiB ({@code max.request.size}).
 */
@ExtendWith(KafkaBroker.class)
class BadInputCorpusTest {
  private static final int GOOD_BETWEEN = 20;
  private static final int MAX_MESSAGE_BYTES = 8 << 20;
  private static final int DEPTH = 10_000;
  private static final Pattern LOGGED =
      Pattern.compile("(Skipped|Dead-lettered) bad record at (\\S+) \\(decode\\): ");
  private static final Pattern LEFT_OUT = Pattern.compile("\\.\\.\\. and (\\d+) more bad records");

  @TempDir Path dir;

  /** The corpus, against {@link TestPipeline}'s schema; the first is the first bad record. */
  private static List<byte[]> corpus() {
    String withMarker = "{\"event_id\":1,\"category\":\"bo@@ks\"}";
    byte[] invalidUtf8 = utf8(withMarker);
    // a two-byte sequence whose second byte is no continuation byte
    invalidUtf8[withMarker.indexOf('@')] = (byte) 0xC3;
    invalidUtf8[withMarker.indexOf('@') + 1] = (byte) 0x28;
    return List.of(
        utf8("{\"event_id\":1,\"payload\":\"" + "x".repeat(5 << 20) + "\",\"user_id\":\"u\"}"),
        utf8("{\"event_id\":1,\"amount\":"),
        utf8("{\"event_id\":\"12\"}"),
        utf8("{\"event_id\":1,\"category\":{\"name\":\"books\"}}"),
        utf8("{\"event_id\":null,\"user_id\":1}"),
        invalidUtf8,
        utf8("{\"event_id\":9223372036854775808}"),
        utf8("{\"event_id\":1,\"amount\":1e999999999}"),
        utf8("[".repeat(DEPTH) + "]".repeat(DEPTH)),
        utf8("{\"a\":".repeat(DEPTH) + "1" + "}".repeat(DEPTH)),
        new byte[0]);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * What was produced: the good event ids by offset, and the bad values by offset, in order.
   *
   * @param good event id by offset
   * @param bad raw value by offset
   */
  private record Produced(Map<Long, Long> good, Map<Long, byte[]> bad) {
    long firstBadOffset() {
      return bad.keySet().iterator().next();
    }

    /** The ids of the good events before {@code offset}, in order. */
    List<Long> goodIdsBefore(long offset) {
      return good.entrySet().stream()
          .filter(e -> e.getKey() < offset)
          .map(Map.Entry::getValue)
          .toList();
    }

    List<Long> goodIds() {
      return List.copyOf(good.values());
    }
  }

  private static Produced produceCorpus(EmbeddedKafkaBroker broker, String topic) throws Exception {
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(topic, 1, (short) 1)
                      .configs(
                          Map.of(
                              TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                              String.valueOf(MAX_MESSAGE_BYTES)))))
          .all()
          .get();
    }
    broker.createTopic(topic, 1); // exists: waits until its partition has a leader

    List<byte[]> values = new ArrayList<>();
    List<Long> ids = new ArrayList<>();
    long id = 0;
    for (byte[] bad : corpus()) {
      for (int i = 0; i < GOOD_BETWEEN; i++, id++) {
        values.add(utf8(TestEvents.json(id)));
        ids.add(id);
      }
      values.add(bad);
      ids.add(null);
    }
    for (int i = 0; i < GOOD_BETWEEN; i++, id++) {
      values.add(utf8(TestEvents.json(id)));
      ids.add(id);
    }
    List<Long> offsets = TestEvents.produceValues(broker.bootstrapServers(), topic, 0, values);

    Map<Long, Long> good = new LinkedHashMap<>();
    Map<Long, byte[]> bad = new LinkedHashMap<>();
    for (int i = 0; i < values.size(); i++) {
      if (ids.get(i) == null) {
        bad.put(offsets.get(i), values.get(i));
      } else {
        good.put(offsets.get(i), ids.get(i));
      }
    }
    return new Produced(good, bad);
  }

  private PipelineProcess run(TestPipeline p) throws Exception {
    return PipelineProcess.start(
        dir.resolve("logs"), List.of(), "run", p.writeSpec().toString(), "--stop-at-end");
  }

  private static List<Long> eventIds(TestPipeline p) {
    return LakeTables.rows(p, TestPipeline.TABLE).stream()
        .map(r -> (Long) r.getField("event_id"))
        .sorted()
        .toList();
  }

  /**
   * Checks that the bad records were logged with their coordinates, each at most once, and that the
   * lines left out by the rate limit were counted, so that logged and left out add up.
   */
  private static void assertLoggedOrCounted(String stderr, String topic, Produced produced) {
    List<String> logged = new ArrayList<>();
    Matcher line = LOGGED.matcher(stderr);
    while (line.find()) {
      logged.add(line.group(2));
    }
    long leftOut = 0;
    Matcher summary = LEFT_OUT.matcher(stderr);
    while (summary.find()) {
      leftOut += Long.parseLong(summary.group(1));
    }
    List<String> coordinates =
        produced.bad().keySet().stream().map(o -> topic + "/0@" + o).toList();
    assertThat(logged).doesNotHaveDuplicates().isSubsetOf(coordinates);
    assertThat(logged.size() + leftOut).isEqualTo(coordinates.size());
    // the first bad records are logged line by line: the limit is 10 per 10 s
    assertThat(logged).startsWith(coordinates.get(0), coordinates.get(1));
    // messages quote a value, never the whole 5 MB record
    assertThat(stderr.length()).isLessThan(1 << 20);
  }

  @Test
  void skipLandsEveryGoodRecordOnceAndCountsAndLogsEveryBadOne(EmbeddedKafkaBroker broker)
      throws Exception {
    String topic = "corpus-skip";
    Produced produced = produceCorpus(broker, topic);
    TestPipeline p = TestPipeline.of(dir, broker.bootstrapServers(), topic).withPolicy("skip");

    String stderr;
    try (PipelineProcess run = run(p)) {
      assertThat(run.waitFor(Duration.ofMinutes(3))).as(run.tail()).isZero();
      stderr = run.stderr();
    }

    assertThat(eventIds(p)).isEqualTo(produced.goodIds());
    assertThat(stderr).contains("| skipped " + produced.bad().size() + " |");
    assertLoggedOrCounted(stderr, topic, produced);
  }

  @Test
  void deadLetterLandsEveryGoodRecordOnceAndEveryBadOneWithItsCoordinatesAndBytes(
      EmbeddedKafkaBroker broker) throws Exception {
    String topic = "corpus-dead-letter";
    Produced produced = produceCorpus(broker, topic);
    TestPipeline p =
        TestPipeline.of(dir, broker.bootstrapServers(), topic).withPolicy("dead-letter");

    String stderr;
    try (PipelineProcess run = run(p)) {
      assertThat(run.waitFor(Duration.ofMinutes(3))).as(run.tail()).isZero();
      stderr = run.stderr();
    }

    assertThat(eventIds(p)).isEqualTo(produced.goodIds());
    assertThat(stderr).contains("| dead-lettered " + produced.bad().size() + " |");
    assertLoggedOrCounted(stderr, topic, produced);
    List<Record> dead = LakeTables.rows(p, TestPipeline.DEAD_LETTER_TABLE);
    assertThat(dead.stream().map(r -> (Long) r.getField("offset")).sorted().toList())
        .isEqualTo(List.copyOf(produced.bad().keySet()));
    for (Record r : dead) {
      long offset = (Long) r.getField("offset");
      assertThat(r.getField("pipeline")).isEqualTo(p.pipelineId());
      assertThat(r.getField("topic")).isEqualTo(topic);
      assertThat(r.getField("partition")).isEqualTo(0);
      assertThat(r.getField("stage")).isEqualTo("decode");
      assertThat((String) r.getField("error")).isNotBlank().hasSizeLessThan(300);
      assertThat(r.getField("value"))
          .as("raw value at offset %s", offset)
          .isEqualTo(ByteBuffer.wrap(produced.bad().get(offset)));
    }
  }

  @Test
  void failStopsAtTheFirstBadRecordAfterCommittingWhatCameBeforeAndARerunStopsThereAgain(
      EmbeddedKafkaBroker broker) throws Exception {
    String topic = "corpus-fail";
    Produced produced = produceCorpus(broker, topic);
    TestPipeline p = TestPipeline.of(dir, broker.bootstrapServers(), topic);
    long first = produced.firstBadOffset();
    String error =
        "error: Bad record at "
            + topic
            + "/0@"
            + first
            + " (decode): field user_id: expected an integer, found string \"u\"";

    for (int attempt = 1; attempt <= 2; attempt++) {
      try (PipelineProcess run = run(p)) {
        assertThat(run.waitFor(Duration.ofMinutes(3))).as(run.tail()).isEqualTo(1);
        assertThat(run.stderr()).as("run %s", attempt).contains(error);
      }

      assertThat(eventIds(p)).as("run %s", attempt).isEqualTo(produced.goodIdsBefore(first));
    }
  }
}
