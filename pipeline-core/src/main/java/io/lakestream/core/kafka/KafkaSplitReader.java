package io.lakestream.core.kafka;

import io.lakestream.core.error.PipelineException;
import io.lakestream.core.source.SourceRecord;
import io.lakestream.core.source.SplitReader;
import io.lakestream.core.source.SplitStart;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads a task's partitions with its own consumer, assigned by hand. A partition with no recorded
 * position starts where the spec's start rule says, or at its beginning if it appeared while the
 * pipeline ran. In a bounded run each partition stops at the end offset seen when it was added.
 */
final class KafkaSplitReader implements SplitReader<SourceRecord> {
  private final KafkaSource source;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final boolean bounded;
  private final List<TopicPartition> partitions = new ArrayList<>();
  private final Map<TopicPartition, Integer> index = new HashMap<>();
  private long[] next = new long[0];
  private long[] end = new long[0];
  private boolean[] done = new boolean[0];

  KafkaSplitReader(KafkaSource source, KafkaConsumer<byte[], byte[]> consumer, boolean bounded) {
    this.source = source;
    this.consumer = consumer;
    this.bounded = bounded;
  }

  @Override
  public void add(List<SplitStart> splits) {
    List<TopicPartition> added = new ArrayList<>();
    List<TopicPartition> byRule = new ArrayList<>();
    List<TopicPartition> appeared = new ArrayList<>();
    Map<TopicPartition, Long> start = new HashMap<>();
    for (SplitStart s : splits) {
      TopicPartition tp = KafkaSource.partition(s.id());
      added.add(tp);
      if (s.position() != null) {
        start.put(tp, s.position());
      } else if (s.appeared()) {
        appeared.add(tp);
      } else {
        byRule.add(tp);
      }
    }
    start.putAll(source.startOffsets(byRule));
    start.putAll(source.earliestOffsets(appeared));
    Map<TopicPartition, Long> ends = bounded ? source.endOffsets(added) : Map.of();
    int from = partitions.size();
    int size = from + added.size();
    next = Arrays.copyOf(next, size);
    end = Arrays.copyOf(end, size);
    done = Arrays.copyOf(done, size);
    partitions.addAll(added);
    consumer.assign(partitions);
    for (int i = from; i < size; i++) {
      TopicPartition tp = partitions.get(i);
      index.put(tp, i);
      next[i] = start.get(tp);
      end[i] = bounded ? ends.get(tp) : Long.MAX_VALUE;
      consumer.seek(tp, next[i]);
      markDoneIfAtEnd(i);
    }
  }

  @Override
  public void poll(long waitMillis, Handler<? super SourceRecord> handler) {
    ConsumerRecords<byte[], byte[]> records;
    try {
      records = consumer.poll(Duration.ofMillis(waitMillis));
    } catch (OffsetOutOfRangeException e) {
      throw new PipelineException(
          "Records were deleted from Kafka before they were read (retention): "
              + e.offsetOutOfRangePartitions()
              + " is no longer in the log. Data between the last checkpoint and the log's"
              + " start is lost; restart with a new pipeline id or source.kafka.start to"
              + " accept that.",
          e);
    }
    for (TopicPartition tp : records.partitions()) {
      int i = index.get(tp);
      for (ConsumerRecord<byte[], byte[]> r : records.records(tp)) {
        if (r.offset() >= end[i]) {
          break;
        }
        SourceRecord record =
            new SourceRecord(
                r.topic(), r.partition(), r.offset(), r.timestamp(), r.key(), r.value());
        if (!handler.accept(record, i)) {
          return;
        }
        next[i] = r.offset() + 1;
      }
      markDoneIfAtEnd(i);
    }
  }

  private void markDoneIfAtEnd(int i) {
    if (end[i] == Long.MAX_VALUE || done[i]) {
      return;
    }
    TopicPartition tp = partitions.get(i);
    // the consumer's position also moves past transaction markers and compacted gaps
    if (Math.max(next[i], consumer.position(tp)) >= end[i]) {
      next[i] = end[i];
      done[i] = true;
      consumer.pause(List.of(tp));
    }
  }

  @Override
  public Long position(int split) {
    return next[split];
  }

  @Override
  public boolean caughtUp(int split) {
    if (done[split]) {
      return true;
    }
    OptionalLong lag = consumer.currentLag(partitions.get(split));
    return lag.isPresent() && lag.getAsLong() == 0;
  }

  @Override
  public boolean finished(int split) {
    return done[split];
  }

  @Override
  public void close() {
    consumer.close();
  }
}
