package io.lakestream.it;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Produces test events and remembers what it produced, so expected table contents come from the
 * test, not from the program under test. Event {@code i} has {@code event_id = i} and {@code amount
 * = ((i % 50000) + 1) / 100}.
 */
final class TestEvents {
  private static final String[] CATEGORIES = {"books", "games", "garden", "music", "toys"};

  /** What was produced; coordinates are {@code partition@offset}. */
  record Produced(
      List<Long> ids, BigDecimal amountSum, List<String> badCoordinates, List<byte[]> badValues) {}

  private TestEvents() {}

  static BigDecimal amount(long id) {
    return BigDecimal.valueOf((id % 50_000) + 1, 2);
  }

  static String json(long id) {
    return "{\"event_id\":"
        + id
        + ",\"user_id\":"
        + (id % 1000)
        + ",\"item_id\":"
        + (id * 7 % 100_000)
        + ",\"amount\":"
        + amount(id).toPlainString()
        + ",\"category\":\""
        + CATEGORIES[(int) (id % CATEGORIES.length)]
        + "\",\"event_time\":"
        + (1_764_000_000_000L + id)
        + ",\"payload\":\"p"
        + id
        + "\"}";
  }

  /**
   * Produces events {@code from .. from+count-1}; after every {@code badEvery}-th event (0: never)
   * one malformed value is produced as well.
   */
  static Produced produce(String servers, String topic, long from, long count, int badEvery)
      throws Exception {
    List<Long> ids = new ArrayList<>();
    BigDecimal sum = BigDecimal.ZERO;
    List<Future<RecordMetadata>> bad = new ArrayList<>();
    List<byte[]> badValues = new ArrayList<>();
    SendFailures failures = new SendFailures();
    try (KafkaProducer<byte[], byte[]> producer = producer(servers)) {
      for (long id = from; id < from + count; id++) {
        byte[] key = Long.toString(id % 1000).getBytes(StandardCharsets.UTF_8);
        producer.send(
            new ProducerRecord<>(topic, key, json(id).getBytes(StandardCharsets.UTF_8)), failures);
        ids.add(id);
        sum = sum.add(amount(id));
        if (badEvery > 0 && (id - from + 1) % badEvery == 0) {
          byte[] value = ("{\"event_id\":" + id + ",\"amount\":").getBytes(StandardCharsets.UTF_8);
          badValues.add(value);
          bad.add(producer.send(new ProducerRecord<>(topic, key, value)));
        }
      }
      producer.flush();
      failures.throwIfAny();
      List<String> coordinates = new ArrayList<>();
      for (Future<RecordMetadata> f : bad) {
        RecordMetadata m = f.get();
        coordinates.add(m.partition() + "@" + m.offset());
      }
      return new Produced(ids, sum, coordinates, badValues);
    }
  }

  /** Produces events {@code from .. from+count-1} into one partition. */
  static Produced produceToPartition(
      String servers, String topic, int partition, long from, long count) throws Exception {
    List<Long> ids = new ArrayList<>();
    BigDecimal sum = BigDecimal.ZERO;
    SendFailures failures = new SendFailures();
    try (KafkaProducer<byte[], byte[]> producer = producer(servers)) {
      for (long id = from; id < from + count; id++) {
        producer.send(
            new ProducerRecord<>(topic, partition, null, json(id).getBytes(StandardCharsets.UTF_8)),
            failures);
        ids.add(id);
        sum = sum.add(amount(id));
      }
      producer.flush();
      failures.throwIfAny();
    }
    return new Produced(ids, sum, List.of(), List.of());
  }

  /**
   * Produces {@code values} as they are, without keys, into one partition, in order; returns their
   * offsets. A value may be up to 8 MiB if the topic allows it ({@code max.message.bytes}).
   */
  static List<Long> produceValues(String servers, String topic, int partition, List<byte[]> values)
      throws Exception {
    List<Future<RecordMetadata>> sent = new ArrayList<>();
    try (KafkaProducer<byte[], byte[]> producer = producer(servers)) {
      for (byte[] value : values) {
        sent.add(producer.send(new ProducerRecord<>(topic, partition, null, value)));
      }
      producer.flush();
    }
    List<Long> offsets = new ArrayList<>();
    for (Future<RecordMetadata> f : sent) {
      offsets.add(f.get().offset());
    }
    return offsets;
  }

  /** Produces a tombstone (a record with a null value) with {@code key} into one partition. */
  static void produceTombstone(String servers, String topic, int partition, String key)
      throws Exception {
    try (KafkaProducer<byte[], byte[]> producer = producer(servers)) {
      producer
          .send(
              new ProducerRecord<>(
                  topic, partition, key.getBytes(StandardCharsets.UTF_8), (byte[]) null))
          .get();
    }
  }

  /**
   * An idempotent producer that waits for every replica: no event is lost or doubled on retries.
   * One request in flight: a batch retried after "not leader" (a topic created a moment ago, on a
   * loaded machine) is resent before any later one, instead of failing the later ones with
   * out-of-order sequences until they expire. Requests of up to 8 MiB, for tests of big records.
   */
  private static KafkaProducer<byte[], byte[]> producer(String servers) {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            servers,
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.LINGER_MS_CONFIG,
            5,
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
            true,
            ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION,
            1,
            ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
            8 << 20),
        new ByteArraySerializer(),
        new ByteArraySerializer());
  }

  /** Remembers the first failed send, so a test never counts an event that did not reach Kafka. */
  private static final class SendFailures implements Callback {
    private final AtomicReference<Exception> first = new AtomicReference<>();

    @Override
    public void onCompletion(RecordMetadata metadata, Exception exception) {
      if (exception != null) {
        first.compareAndSet(null, exception);
      }
    }

    void throwIfAny() {
      if (first.get() != null) {
        throw new IllegalStateException("A test event was not produced", first.get());
      }
    }
  }
}
