package io.lakestream.core.runtime;

import io.lakestream.core.error.PipelineException;
import io.lakestream.core.kafka.KafkaSource;
import io.lakestream.core.sink.Committable;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A task reading a fixed set of Kafka partitions with its own consumer. Barriers are answered
 * between poll batches, so a checkpoint's positions are exactly the offsets after the last records
 * written into its committables. In a bounded run each partition stops at the end offset seen at
 * start; a finished task keeps answering barriers until the pipeline stops.
 */
final class KafkaSourceTask implements Task {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaSourceTask.class);
  private static final Duration POLL = Duration.ofMillis(100);

  private final int taskId;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final RecordProcessor processor;
  private final ExchangeTarget exchange;
  private final TopicPartition[] partitions;
  private final Map<TopicPartition, Integer> index = new HashMap<>();
  private final String[] splitIds;
  private final long[] next;
  private final long[] end;
  private final boolean[] done;
  private final BarrierQueue barriers = new BarrierQueue();
  private volatile boolean running = true;
  private volatile boolean idle;
  private volatile Throwable fatal;
  private RecordFailure failure;

  /**
   * @param start the offset each partition starts at
   * @param end the offset each partition stops at, or null for an unbounded run
   * @param exchange where rows go when the pipeline has keyed steps, or null
   */
  KafkaSourceTask(
      int taskId,
      KafkaConsumer<byte[], byte[]> consumer,
      RecordProcessor processor,
      ExchangeTarget exchange,
      List<TopicPartition> partitions,
      Map<TopicPartition, Long> start,
      Map<TopicPartition, Long> end) {
    this.taskId = taskId;
    this.consumer = consumer;
    this.processor = processor;
    this.exchange = exchange;
    this.partitions = partitions.toArray(TopicPartition[]::new);
    this.splitIds = new String[this.partitions.length];
    this.next = new long[this.partitions.length];
    this.end = new long[this.partitions.length];
    this.done = new boolean[this.partitions.length];
    for (int i = 0; i < this.partitions.length; i++) {
      TopicPartition tp = this.partitions[i];
      index.put(tp, i);
      splitIds[i] = KafkaSource.splitId(tp);
      next[i] = start.get(tp);
      this.end[i] = end == null ? Long.MAX_VALUE : end.get(tp);
    }
  }

  @Override
  public CompletableFuture<TaskSnapshot> barrier(long checkpointId) {
    return barriers.request(checkpointId);
  }

  @Override
  public boolean idle() {
    return idle;
  }

  @Override
  public Throwable fatalError() {
    return fatal;
  }

  @Override
  public void stop() {
    running = false;
  }

  @Override
  public void run() {
    Thread.currentThread().setName("lakestream-task-" + taskId);
    try (consumer;
        processor) {
      consumer.assign(List.of(partitions));
      for (int i = 0; i < partitions.length; i++) {
        consumer.seek(partitions[i], next[i]);
        markDoneIfAtEnd(i);
      }
      updateIdle();
      while (running) {
        if (idle) {
          barriers.answer(this::snapshot, POLL.toMillis());
        } else {
          barriers.answer(this::snapshot);
        }
        if (!idle) {
          processBatch(consumer.poll(POLL));
          updateIdle();
        }
        if (exchange != null) {
          afterBatch();
        }
      }
    } catch (OffsetOutOfRangeException e) {
      die(
          new PipelineException(
              "Records were deleted from Kafka before they were read (retention): "
                  + e.offsetOutOfRangePartitions()
                  + " is no longer in the log. Data between the last checkpoint and the log's"
                  + " start is lost; restart with a new pipeline id or source.kafka.start to"
                  + " accept that.",
              e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      die(new PipelineException("Task " + taskId + " was interrupted"));
    } catch (Throwable e) { // also checked exceptions that libraries rethrow unchecked
      die(e);
    } finally {
      // no barrier may wait forever on a task that has stopped, whatever stopped it
      barriers.exited(
          fatal != null ? fatal : new PipelineException("Task " + taskId + " has stopped"));
    }
  }

  private void die(Throwable e) {
    LOG.error("Task {} failed", taskId, e);
    fatal = e;
  }

  private void processBatch(ConsumerRecords<byte[], byte[]> records) {
    for (TopicPartition tp : records.partitions()) {
      int i = index.get(tp);
      for (ConsumerRecord<byte[], byte[]> r : records.records(tp)) {
        if (r.offset() >= end[i]) {
          break;
        }
        failure = processor.process(r, i);
        if (failure != null) {
          LOG.error(
              "{} The pipeline stops; nothing at or after this record is committed.",
              failure.message());
          return;
        }
        next[i] = r.offset() + 1;
      }
      markDoneIfAtEnd(i);
    }
  }

  private void afterBatch() {
    boolean[] caughtUp = new boolean[partitions.length];
    for (int i = 0; i < partitions.length; i++) {
      OptionalLong lag = done[i] ? OptionalLong.of(0) : consumer.currentLag(partitions[i]);
      caughtUp[i] = lag.isPresent() && lag.getAsLong() == 0;
    }
    exchange.afterBatch(System.nanoTime(), caughtUp, done);
    if (idle && failure == null) {
      exchange.endOfInput();
    }
  }

  private void markDoneIfAtEnd(int i) {
    if (end[i] == Long.MAX_VALUE) {
      return;
    }
    // the consumer's position also moves past transaction markers and compacted gaps
    if (Math.max(next[i], consumer.position(partitions[i])) >= end[i]) {
      next[i] = end[i];
      done[i] = true;
      consumer.pause(List.of(partitions[i]));
    }
  }

  private void updateIdle() {
    boolean allDone = true;
    for (boolean d : done) {
      allDone &= d;
    }
    idle = failure != null || allDone;
  }

  private TaskSnapshot snapshot(long checkpointId) {
    Map<String, Long> positions = new HashMap<>();
    for (int i = 0; i < partitions.length; i++) {
      positions.put(splitIds[i], next[i]);
    }
    Map<String, byte[]> state = new HashMap<>();
    if (exchange != null) {
      exchange.barrier(checkpointId, state);
    }
    processor.flushLog();
    Map<String, List<Committable>> committables = new HashMap<>();
    for (TableOutput o : processor.outputs()) {
      committables.put(o.table, o.writer.prepareCommit(checkpointId));
    }
    boolean finished = failure == null && idle;
    return new TaskSnapshot(
        taskId, checkpointId, positions, committables, state, finished, failure);
  }
}
