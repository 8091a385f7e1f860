package io.lakestream.core.kafka;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads the timestamp of the first record at or after given offsets, with a consumer of its own
 * (opened at the first call, kept for the next): what the source lag in seconds is computed from.
 * One call at a time; {@link #close} waits for a call under way.
 */
final class RecordTimestamps implements AutoCloseable {
  private final Supplier<KafkaConsumer<byte[], byte[]>> consumers;
  private final Clock clock;
  private KafkaConsumer<byte[], byte[]> consumer;
  private boolean closed;

  RecordTimestamps(Supplier<KafkaConsumer<byte[], byte[]>> consumers, Clock clock) {
    this.consumers = consumers;
    this.clock = clock;
  }

  /**
   * The timestamp (epoch millis, as the record carries it) of the first record at or after each
   * offset; partitions without one within {@code timeout} are absent.
   */
  synchronized Map<TopicPartition, Long> at(Map<TopicPartition, Long> offsets, Duration timeout) {
    Map<TopicPartition, Long> found = new HashMap<>();
    if (closed || offsets.isEmpty()) {
      return found;
    }
    if (consumer == null) {
      consumer = consumers.get();
    }
    consumer.assign(offsets.keySet());
    consumer.resume(consumer.paused());
    offsets.forEach(consumer::seek);
    long deadline = clock.millis() + timeout.toMillis();
    for (long left = timeout.toMillis();
        found.size() < offsets.size() && left > 0;
        left = deadline - clock.millis()) {
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(left))) {
        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
        if (found.putIfAbsent(tp, r.timestamp()) == null) {
          consumer.pause(List.of(tp));
        }
      }
    }
    return found;
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (consumer != null) {
      consumer.close(Duration.ofSeconds(1));
    }
  }
}
