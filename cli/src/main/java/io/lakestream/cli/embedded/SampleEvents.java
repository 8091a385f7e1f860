package io.lakestream.cli.embedded;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in sample events of the quickstart and the benchmark: purchase-like JSON objects
 * produced into a Kafka topic.
 *
 * <p>Each value is one JSON object, fields in this order:
 *
 * <pre>{@code
 * {"event_id":123,"user_id":4711,"item_id":98765,"amount":12.34,"category":"books",
 *  "event_time":1764000000123,"payload":"<100 ASCII characters>"}
 * }</pre>
 *
 * <ul>
 *   <li>{@code event_id}: 0, 1, 2, ... in production order, unique unless duplicates are asked for:
 *       then every {@code duplicateEvery}-th record repeats one of the last 1,000 events.
 *   <li>{@code user_id}: uniform over 1..10,000.
 *   <li>{@code item_id}: uniform long in [100,000, 1,000,000).
 *   <li>{@code amount}: uniform whole cents in [0.01, 500.00], always printed with 2 decimals.
 *   <li>{@code category}: one of {@link SampleEventGenerator#CATEGORIES} (20 values).
 *   <li>{@code event_time}: epoch millis, {@code baseTime + event_id - r} with {@code r} uniform in
 *       [0, disorderMillis): about 1 ms per event, out of order by up to the disorder.
 *   <li>{@code payload}: 100 characters from {@code [A-Za-z0-9 -_.:]}, no escaping needed.
 * </ul>
 *
 * <p>The record key is the {@code user_id} as a decimal string in UTF-8 (e.g. {@code "4711"}), so
 * all events of one user land in one partition and console tools print readable keys. The events
 * are a pure function of the {@link Options} (see {@link SampleEventGenerator}).
 */
public final class SampleEvents {

  private static final Logger LOG = LoggerFactory.getLogger(SampleEvents.class);
  private static final long PROGRESS_EVERY = 1_000_000;
  private static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(60);

  private SampleEvents() {}

  /**
   * What to produce.
   *
   * @param topic the topic; created with {@code partitions} partitions if it does not exist
   * @param count how many events, at least 0
   * @param partitions partition count used when the topic is created, at least 1
   * @param seed seed of every random choice
   * @param baseTimeMillis {@code event_time} of event 0 before disorder, epoch millis
   * @param disorderMillis maximum lateness of {@code event_time} (exclusive), at least 0
   * @param duplicateEvery every this many records one is an exact copy of one of the last 1,000
   *     distinct events (a redelivery); 0 for none
   */
  public record Options(
      String topic,
      long count,
      int partitions,
      long seed,
      long baseTimeMillis,
      int disorderMillis,
      int duplicateEvery) {

    /** Base time of {@link #of}: 2025-11-24T16:00:00Z. */
    public static final long DEFAULT_BASE_TIME_MILLIS = 1_764_000_000_000L;

    /** Disorder of {@link #of}: 5 s. */
    public static final int DEFAULT_DISORDER_MILLIS = 5_000;

    /**
     * @throws IllegalArgumentException if a value is out of range
     */
    public Options {
      if (topic == null || topic.isBlank()) {
        throw new IllegalArgumentException(
            "Sample events topic must not be blank: '" + topic + "'");
      }
      if (count < 0) {
        throw new IllegalArgumentException("Sample event count must not be negative: " + count);
      }
      if (partitions < 1) {
        throw new IllegalArgumentException(
            "Sample events topic partitions must be at least 1: " + partitions);
      }
      if (disorderMillis < 0) {
        throw new IllegalArgumentException(
            "Sample events disorder must not be negative: " + disorderMillis + " ms");
      }
      if (duplicateEvery < 0 || duplicateEvery == 1) {
        throw new IllegalArgumentException(
            "Sample events duplicate interval must be 0 (none) or at least 2: " + duplicateEvery);
      }
    }

    /**
     * {@code count} events into {@code topic}: 4 partitions, seed 42, base time {@value
     * #DEFAULT_BASE_TIME_MILLIS}, disorder {@value #DEFAULT_DISORDER_MILLIS} ms.
     */
    public static Options of(String topic, long count) {
      return new Options(
          topic, count, 4, 42L, DEFAULT_BASE_TIME_MILLIS, DEFAULT_DISORDER_MILLIS, 0);
    }

    /** A copy with another partition count. */
    public Options withPartitions(int newPartitions) {
      return new Options(
          topic, count, newPartitions, seed, baseTimeMillis, disorderMillis, duplicateEvery);
    }

    /** A copy with another seed. */
    public Options withSeed(long newSeed) {
      return new Options(
          topic, count, partitions, newSeed, baseTimeMillis, disorderMillis, duplicateEvery);
    }

    /** A copy with another base time. */
    public Options withBaseTimeMillis(long newBaseTimeMillis) {
      return new Options(
          topic, count, partitions, seed, newBaseTimeMillis, disorderMillis, duplicateEvery);
    }

    /** A copy with another disorder. */
    public Options withDisorderMillis(int newDisorderMillis) {
      return new Options(
          topic, count, partitions, seed, baseTimeMillis, newDisorderMillis, duplicateEvery);
    }

    /** A copy where every {@code every}-th record is a duplicate (0: none). */
    public Options withDuplicateEvery(int every) {
      return new Options(topic, count, partitions, seed, baseTimeMillis, disorderMillis, every);
    }
  }

  /**
   * What was produced.
   *
   * @param count number of records, duplicates included
   * @param distinct number of distinct events (records less duplicates)
   * @param amountSum exact sum of the {@code amount} values of the distinct events (scale 2)
   * @param eventIdSum sum of the {@code event_id} values of the distinct events
   */
  public record Summary(long count, long distinct, BigDecimal amountSum, long eventIdSum) {}

  /**
   * Produces the events described by {@code options} into the Kafka cluster at {@code
   * bootstrapServers}, creating the topic if needed, and returns once every event is acknowledged
   * by the broker ({@code acks=all}). Logs progress every million events.
   *
   * @throws IllegalStateException if the topic cannot be created or a send fails; events before the
   *     failure may have been written
   * @throws InterruptedException if interrupted while waiting for the broker
   */
  public static Summary produce(String bootstrapServers, Options options)
      throws InterruptedException {
    SampleEventGenerator generator = new SampleEventGenerator(options);
    produce(bootstrapServers, options.topic(), options.partitions(), generator);
    Summary summary = generator.summary();
    LOG.info("Produced {} sample events to {}", summary.count(), options.topic());
    return summary;
  }

  /**
   * Produces every record of {@code records} into {@code topic} (created with {@code partitions}
   * partitions if absent) and returns once all are acknowledged ({@code acks=all}), logging
   * progress every million records.
   *
   * @return how many records were produced
   * @throws IllegalStateException if the topic cannot be created or a send fails
   */
  public static long produce(
      String bootstrapServers,
      String topic,
      int partitions,
      Iterator<ProducerRecord<byte[], byte[]>> records)
      throws InterruptedException {
    ensureTopic(bootstrapServers, topic, partitions);
    FirstError firstError = new FirstError();
    long sent = 0;
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(producerConfig(bootstrapServers))) {
      while (records.hasNext() && firstError.get() == null) {
        producer.send(records.next(), firstError);
        if (++sent % PROGRESS_EVERY == 0) {
          LOG.info("Produced {} records to {}", sent, topic);
        }
      }
      producer.flush();
    }
    if (firstError.get() != null) {
      throw new IllegalStateException(
          "Producing to " + topic + " failed: " + firstError.get().getMessage(), firstError.get());
    }
    return sent;
  }

  /**
   * Produces {@code values} (with null keys), in order, into one partition of an existing topic,
   * with the same producer settings as {@link #produce}: for tests that need malformed or chosen
   * records at known offsets.
   *
   * @return the offset of each value, in the order given
   * @throws IllegalStateException if a send fails
   * @throws InterruptedException if interrupted while waiting for acknowledgements
   */
  public static List<Long> produceRaw(
      String bootstrapServers, String topic, int partition, List<byte[]> values)
      throws InterruptedException {
    List<Future<RecordMetadata>> futures = new ArrayList<>(values.size());
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(producerConfig(bootstrapServers))) {
      for (byte[] value : values) {
        futures.add(producer.send(new ProducerRecord<>(topic, partition, null, value)));
      }
      producer.flush();
      List<Long> offsets = new ArrayList<>(values.size());
      for (Future<RecordMetadata> future : futures) {
        offsets.add(future.get().offset());
      }
      return offsets;
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "Producing to " + topic + "-" + partition + " failed: " + e.getCause().getMessage(),
          e.getCause());
    }
  }

  /**
   * The producer settings used here (a new mutable map): byte-array serializers, {@code acks=all}
   * (hence idempotent), lz4, {@code linger.ms=10}, 256 KiB batches.
   */
  public static Map<String, Object> producerConfig(String bootstrapServers) {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ProducerConfig.CLIENT_ID_CONFIG, "lakestream-sample-events");
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    config.put(ProducerConfig.LINGER_MS_CONFIG, 10);
    config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    config.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 64L * 1024 * 1024);
    return config;
  }

  private static void ensureTopic(String bootstrapServers, String topic, int partitions)
      throws InterruptedException {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      // An existing topic is used as it is, whatever its partition count.
      Topics.createAndAwait(admin, topic, partitions, Optional.empty(), TOPIC_TIMEOUT);
    }
  }

  /** Remembers the first failed send, so that the loop stops producing after it. */
  private static final class FirstError extends AtomicReference<Exception> implements Callback {
    @Override
    public void onCompletion(RecordMetadata metadata, Exception exception) {
      if (exception != null) {
        compareAndSet(null, exception);
      }
    }
  }
}
