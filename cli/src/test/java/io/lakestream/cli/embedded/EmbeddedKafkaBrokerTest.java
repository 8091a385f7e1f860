package io.lakestream.cli.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaBrokerTest {

  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));

  private static EmbeddedKafkaBroker broker;

  @BeforeAll
  static void startBroker(@TempDir Path dir) throws Exception {
    broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"));
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void sampleEventsProducedIntoTopicAreConsumedBackExactlyOnce() throws Exception {
    broker.createTopic("events", 4);

    SampleEvents.Summary summary =
        SampleEvents.produce(broker.bootstrapServers(), SampleEvents.Options.of("events", 10_000));
    List<ConsumerRecord<byte[], byte[]>> records = consumeAll("events", 4, 10_000);

    BitSet eventIds = new BitSet();
    BigDecimal amountSum = BigDecimal.ZERO;
    long eventIdSum = 0;
    for (ConsumerRecord<byte[], byte[]> record : records) {
      JsonNode event = JSON.readTree(record.value());
      long eventId = event.get("event_id").longValue();
      eventIds.set(Math.toIntExact(eventId));
      eventIdSum += eventId;
      amountSum = amountSum.add(event.get("amount").decimalValue());
      assertThat(new String(record.key(), StandardCharsets.UTF_8))
          .isEqualTo(event.get("user_id").asText());
    }
    assertThat(records).hasSize(10_000);
    assertThat(eventIds.cardinality()).isEqualTo(10_000);
    assertThat(eventIds.nextClearBit(0)).isEqualTo(10_000);
    assertThat(summary.count()).isEqualTo(10_000);
    assertThat(summary.eventIdSum()).isEqualTo(eventIdSum).isEqualTo(9_999L * 10_000 / 2);
    assertThat(summary.amountSum()).isEqualByComparingTo(amountSum);
  }

  @Test
  void eventsOfOneUserShareAPartition() throws Exception {
    broker.createTopic("by-user", 4);

    SampleEvents.produce(broker.bootstrapServers(), SampleEvents.Options.of("by-user", 2_000));
    List<ConsumerRecord<byte[], byte[]>> records = consumeAll("by-user", 4, 2_000);

    Map<String, Long> partitionsPerUser =
        records.stream()
            .collect(
                Collectors.groupingBy(
                    r -> new String(r.key(), StandardCharsets.UTF_8),
                    Collectors.mapping(
                        ConsumerRecord::partition,
                        Collectors.collectingAndThen(Collectors.toSet(), s -> (long) s.size()))));
    assertThat(partitionsPerUser.values()).containsOnly(1L);
    assertThat(records.stream().map(ConsumerRecord::partition).distinct()).hasSize(4);
  }

  @Test
  void rawValuesLandAtTheReturnedOffsets() throws Exception {
    broker.createTopic("raw", 2);
    List<byte[]> values =
        List.of(
            "{\"event_id\":0}".getBytes(StandardCharsets.UTF_8),
            "{not json".getBytes(StandardCharsets.UTF_8),
            new byte[] {(byte) 0xff, 0x00});

    List<Long> offsets = SampleEvents.produceRaw(broker.bootstrapServers(), "raw", 1, values);
    List<ConsumerRecord<byte[], byte[]>> records = consumeAll("raw", 2, 3);

    assertThat(offsets).containsExactly(0L, 1L, 2L);
    assertThat(records).allSatisfy(r -> assertThat(r.partition()).isEqualTo(1));
    assertThat(records.stream().map(r -> new String(r.value(), StandardCharsets.ISO_8859_1)))
        .containsExactly("{\"event_id\":0}", "{not json", "\u00ff\u0000");
  }

  @Test
  void createTopicIsIdempotentButRejectsAnotherPartitionCount() throws Exception {
    broker.createTopic("twice", 3);
    broker.createTopic("twice", 3);

    assertThatThrownBy(() -> broker.createTopic("twice", 5))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Topic twice already exists with 3 partitions, not 5");
  }

  @Test
  void childProcessBrokerAnswersAndIsGoneAfterClose(@TempDir Path dir) throws Exception {
    ChildBroker child = EmbeddedKafkaBroker.startChildProcess(dir);
    long pid = child.pid();
    try {
      try (Admin admin =
          Admin.create(
              Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, child.bootstrapServers()))) {
        List<Node> nodes =
            new ArrayList<>(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS));
        assertThat(nodes).extracting(Node::id).containsExactly(1);
      }
      assertThat(child.bootstrapServers()).isNotEqualTo(broker.bootstrapServers());
    } finally {
      child.close();
    }

    assertThat(child.isAlive()).isFalse();
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isNotEqualTo(Optional.of(true));
    assertThat(canConnect(child.bootstrapServers())).isFalse();
  }

  @Test
  void childProcessThatCannotStartIsReportedWithTheEndOfItsLog(@TempDir Path dir) throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      assertThatThrownBy(() -> ChildBroker.start(dir, taken.getLocalPort()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith(
              "Child Kafka broker (data in " + dir + ") exited with code 1 before it was ready.")
          .hasMessageContaining("Address already in use");
    }
  }

  private static List<ConsumerRecord<byte[], byte[]>> consumeAll(
      String topic, int partitions, int expected) {
    Map<String, Object> config =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            broker.bootstrapServers(),
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
            ByteArrayDeserializer.class,
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
            ByteArrayDeserializer.class,
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest",
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            false);
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
      consumer.assign(
          IntStream.range(0, partitions).mapToObj(p -> new TopicPartition(topic, p)).toList());
      long deadline = System.nanoTime() + DEADLINE.toNanos();
      while (records.size() < expected && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
      // One more poll: anything beyond the expected records would be a duplicate.
      consumer.poll(Duration.ofMillis(200)).forEach(records::add);
    }
    return records;
  }

  private static boolean canConnect(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    try (Socket socket = new Socket()) {
      socket.connect(
          new InetSocketAddress(
              hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1))),
          1_000);
      return true;
    } catch (java.io.IOException e) {
      return false;
    }
  }
}
