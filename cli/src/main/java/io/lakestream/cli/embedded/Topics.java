package io.lakestream.cli.embedded;

import io.lakestream.core.spec.Units;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** Creating a topic and waiting until clients can use it. */
final class Topics {

  private static final long POLL_INTERVAL_MILLIS = 100;

  private Topics() {}

  /**
   * Creates {@code name} with {@code partitions} partitions unless it exists, then waits until the
   * metadata shows a leader for each of its partitions.
   *
   * @param replicationFactor empty: the broker's default
   * @return the topic's partition count, which differs from {@code partitions} if it existed
   * @throws IllegalStateException if the broker rejects the topic or it is not ready in time
   * @throws InterruptedException if interrupted while waiting
   */
  static int createAndAwait(
      Admin admin, String name, int partitions, Optional<Short> replicationFactor, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      admin
          .createTopics(List.of(new NewTopic(name, Optional.of(partitions), replicationFactor)))
          .all()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException(
            "Could not create topic " + name + ": " + e.getCause().getMessage(), e.getCause());
      }
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "Creating topic " + name + " timed out after " + Units.formatElapsed(timeout), e);
    }
    String state = "not in the metadata";
    while (System.nanoTime() < deadline) {
      try {
        TopicDescription description =
            admin.describeTopics(List.of(name)).allTopicNames().get().get(name);
        List<TopicPartitionInfo> infos = description.partitions();
        long withLeader =
            infos.stream().filter(i -> i.leader() != null && !i.leader().isEmpty()).count();
        if (!infos.isEmpty() && withLeader == infos.size()) {
          return infos.size();
        }
        state = withLeader + " of " + infos.size() + " partitions have a leader";
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
          throw new IllegalStateException(
              "Could not describe topic " + name + ": " + e.getCause().getMessage(), e.getCause());
        }
      }
      Thread.sleep(POLL_INTERVAL_MILLIS);
    }
    throw new IllegalStateException(
        "Topic " + name + " not ready after " + Units.formatElapsed(timeout) + ": " + state);
  }
}
