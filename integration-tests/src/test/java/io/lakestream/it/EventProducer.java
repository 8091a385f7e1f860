package io.lakestream.it;

import io.lakestream.it.EventTimeline.Planned;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Produces planned events to their partitions, in order, and returns where each one landed. Every
 * send is checked: a test never expects an event that did not reach Kafka.
 */
final class EventProducer {
  private EventProducer() {}

  /**
   * Sends {@code planned} to {@code topic} as phase {@code phase}.
   *
   * @throws ExecutionException if a send failed
   */
  static List<SentEvent> send(String servers, String topic, int phase, List<Planned> planned)
      throws ExecutionException, InterruptedException {
    List<Future<RecordMetadata>> futures = new ArrayList<>(planned.size());
    try (KafkaProducer<byte[], byte[]> producer = producer(servers)) {
      for (Planned p : planned) {
        byte[] value = p.event().json().getBytes(StandardCharsets.UTF_8);
        futures.add(producer.send(new ProducerRecord<>(topic, p.partition(), null, value)));
      }
      producer.flush();
    }
    List<SentEvent> sent = new ArrayList<>(planned.size());
    for (int i = 0; i < planned.size(); i++) {
      Planned p = planned.get(i);
      RecordMetadata m = futures.get(i).get();
      sent.add(new SentEvent(p.event(), p.kind(), phase, m.partition(), m.offset()));
    }
    return sent;
  }

  /**
   * Idempotent, waits for every replica, one request in flight: nothing is lost, doubled or
   * reordered within a partition on retries (see {@link TestEvents}).
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
            1),
        new ByteArraySerializer(),
        new ByteArraySerializer());
  }
}
