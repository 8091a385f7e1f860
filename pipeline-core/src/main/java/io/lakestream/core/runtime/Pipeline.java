package io.lakestream.core.runtime;

import io.lakestream.core.decode.AvroDecoder;
import io.lakestream.core.decode.AvroSchemas;
import io.lakestream.core.decode.JsonDecoder;
import io.lakestream.core.decode.RecordDecoder;
import io.lakestream.core.error.DeadLetter;
import io.lakestream.core.error.PipelineException;
import io.lakestream.core.kafka.KafkaSource;
import io.lakestream.core.record.Schema;
import io.lakestream.core.sink.Sink;
import io.lakestream.core.sink.SinkCommitter;
import io.lakestream.core.sink.SinkContext;
import io.lakestream.core.sink.SinkFactories;
import io.lakestream.core.sink.SinkFactory;
import io.lakestream.core.spec.ErrorSpec;
import io.lakestream.core.spec.KafkaSourceSpec;
import io.lakestream.core.spec.PipelineSpec;
import io.lakestream.core.transform.Transforms;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of a pipeline: recovers, starts one task per share of the source partitions, checkpoints
 * on the interval, and stops cleanly when asked (or at the end of its input, in a bounded run).
 *
 * <pre>
 * CREATED ──run()──► RECOVERING ──► RUNNING ──stop() / end of input──► STOPPING ──► STOPPED
 *                         │             │                                  │
 *                         └─────────────┴──────── error ──────────────────┴──► FAILED
 * </pre>
 *
 * A bad record under the {@code fail} policy ends the run in STOPPED after committing everything
 * before it; {@link RunResult#failure()} then names it.
 */
public final class Pipeline {
  private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

  /** Lifecycle states; see the class diagram. */
  public enum State {
    CREATED,
    RECOVERING,
    RUNNING,
    STOPPING,
    STOPPED,
    FAILED
  }

  private final PipelineSpec spec;
  private final RunOptions options;
  private final PipelineMetrics metrics = new PipelineMetrics();
  private volatile State state = State.CREATED;
  private volatile boolean stopRequested;

  public Pipeline(PipelineSpec spec, RunOptions options) {
    this.spec = spec;
    this.options = options;
  }

  public State state() {
    return state;
  }

  /**
   * Asks a running pipeline to take a last checkpoint, commit it and stop; returns at once, and
   * {@link #run} returns once that checkpoint is committed. Safe to call from any thread.
   */
  public void stop() {
    stopRequested = true;
  }

  /**
   * Runs the pipeline on the calling thread until it is stopped, reaches the end of its input
   * (bounded runs) or stops on a bad record.
   *
   * @throws PipelineException if it cannot start or fails while running; checkpoints committed
   *     before the failure stay committed and a restart resumes after them
   */
  public RunResult run() {
    if (state != State.CREATED) {
      throw new IllegalStateException("A pipeline runs once; state is " + state);
    }
    state = State.RECOVERING;
    long startNanos = System.nanoTime();
    try {
      RunResult result = runStages(startNanos);
      state = State.STOPPED;
      return result;
    } catch (RuntimeException | Error e) {
      state = State.FAILED;
      throw e;
    }
  }

  private RunResult runStages(long startNanos) {
    String id = spec.pipeline();
    Transforms transforms = Transforms.compile(spec.transforms(), spec.schema().schema());
    SinkFactory factory =
        SinkFactories.find(spec.sink().type())
            .orElseThrow(() -> new PipelineException("No sink of type " + spec.sink().type()));
    try (CheckpointStore store = new CheckpointStore(spec.checkpoint().dir(), id);
        KafkaSource source = new KafkaSource(spec.source(), id);
        Sinks sinks = openSinks(factory, transforms.outputSchema())) {
      CheckpointCoordinator coordinator =
          new CheckpointCoordinator(
              id,
              store,
              sinks.committers(),
              positions -> source.acknowledge(toPartitions(positions)),
              options.phaseListener(),
              options.clock());
      Recovery recovery = coordinator.recover();
      List<TopicPartition> partitions = source.partitions();
      Map<TopicPartition, Long> start = startPositions(source, partitions, recovery);
      Map<TopicPartition, Long> end = options.stopAtEnd() ? source.endOffsets(partitions) : null;
      List<SourceTask> tasks =
          createTasks(source, partitions, start, end, recovery, transforms, sinks);
      List<Thread> threads = new ArrayList<>();
      for (SourceTask t : tasks) {
        Thread thread = new Thread(t);
        thread.start();
        threads.add(thread);
      }
      LOG.info(
          "Pipeline {} running: {} partitions, {} tasks, checkpoint every {}{}",
          id,
          partitions.size(),
          tasks.size(),
          spec.checkpoint().interval(),
          options.stopAtEnd() ? ", stopping at the end offsets seen now" : "");
      state = State.RUNNING;
      try {
        return loop(
            coordinator, recovery.nextCheckpointId(), tasks, source, partitions, startNanos);
      } finally {
        tasks.forEach(SourceTask::stop);
        for (Thread thread : threads) {
          joinQuietly(thread);
        }
      }
    }
  }

  private RunResult loop(
      CheckpointCoordinator coordinator,
      long firstId,
      List<SourceTask> tasks,
      KafkaSource source,
      List<TopicPartition> partitions,
      long startNanos) {
    StatusLine status = new StatusLine(spec.pipeline(), metrics, options, firstId - 1);
    long nextId = firstId;
    long committed = 0;
    long intervalNanos = spec.checkpoint().interval().toNanos();
    long nextCheckpointAt = System.nanoTime() + intervalNanos;
    while (true) {
      sleepBriefly();
      for (SourceTask t : tasks) {
        if (t.fatalError() != null) {
          throw new PipelineException(
              "Pipeline " + spec.pipeline() + " failed: " + t.fatalError().getMessage(),
              t.fatalError());
        }
      }
      boolean allIdle = tasks.stream().allMatch(SourceTask::idle);
      if (System.nanoTime() >= nextCheckpointAt || stopRequested || allIdle) {
        if (stopRequested || allIdle) {
          state = State.STOPPING;
        }
        CheckpointCoordinator.Outcome outcome;
        try {
          outcome = coordinator.checkpoint(nextId, tasks);
        } catch (IOException e) {
          throw new UncheckedIOException("Cannot persist checkpoint " + nextId, e);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new PipelineException("Interrupted during checkpoint " + nextId);
        }
        if (outcome.committed()) {
          status.checkpointCommitted(nextId);
          committed++;
          nextId++;
        }
        nextCheckpointAt = System.nanoTime() + intervalNanos;
        RecordFailure failure =
            outcome.snapshots().stream()
                .map(TaskSnapshot::failure)
                .filter(f -> f != null)
                .findFirst()
                .orElse(null);
        boolean allFinished = outcome.snapshots().stream().allMatch(TaskSnapshot::finished);
        if (failure != null || stopRequested || (options.stopAtEnd() && allFinished)) {
          RunResult result =
              new RunResult(
                  committed,
                  nextId - 1,
                  metrics.snapshot(),
                  Duration.ofNanos(System.nanoTime() - startNanos),
                  failure);
          status.finished(result);
          return result;
        }
      }
      status.maybePrint(() -> lag(source, partitions, coordinator));
    }
  }

  private long lag(KafkaSource source, List<TopicPartition> partitions, CheckpointCoordinator c) {
    Map<String, Long> committed = c.lastPositions();
    long lag = 0;
    for (Map.Entry<TopicPartition, Long> e : source.endOffsets(partitions).entrySet()) {
      lag +=
          Math.max(0, e.getValue() - committed.getOrDefault(KafkaSource.splitId(e.getKey()), 0L));
    }
    return lag;
  }

  private static void sleepBriefly() {
    try {
      Thread.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PipelineException("Interrupted");
    }
  }

  private static void joinQuietly(Thread thread) {
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private Sinks openSinks(SinkFactory factory, Schema output) {
    Map<String, Sink> opened = new LinkedHashMap<>();
    try {
      String table = spec.sink().table();
      opened.put(
          table,
          factory.open(
              new SinkContext(
                  spec.pipeline(), spec.sink().config(), table, output, SinkContext.Role.OUTPUT)));
      if (spec.errors().policy() == ErrorSpec.Policy.DEAD_LETTER) {
        String dlq = spec.errors().deadLetterTable();
        opened.put(
            dlq,
            factory.open(
                new SinkContext(
                    spec.pipeline(),
                    spec.sink().config(),
                    dlq,
                    DeadLetter.SCHEMA,
                    SinkContext.Role.DEAD_LETTER)));
      }
      return new Sinks(opened);
    } catch (RuntimeException e) {
      opened.values().forEach(Sink::close);
      throw e;
    }
  }

  private Map<TopicPartition, Long> startPositions(
      KafkaSource source, List<TopicPartition> partitions, Recovery recovery) {
    List<TopicPartition> unknown = new ArrayList<>();
    Map<TopicPartition, Long> start = new HashMap<>();
    for (TopicPartition tp : partitions) {
      Long recorded = recovery.positions().get(KafkaSource.splitId(tp));
      if (recorded == null) {
        unknown.add(tp);
      } else {
        start.put(tp, recorded);
      }
    }
    start.putAll(source.startOffsets(unknown));
    return start;
  }

  private List<SourceTask> createTasks(
      KafkaSource source,
      List<TopicPartition> partitions,
      Map<TopicPartition, Long> start,
      Map<TopicPartition, Long> end,
      Recovery recovery,
      Transforms transforms,
      Sinks sinks) {
    int count = Math.max(1, Math.min(spec.parallelism(), partitions.size()));
    List<List<TopicPartition>> shares = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      shares.add(new ArrayList<>());
    }
    for (int i = 0; i < partitions.size(); i++) {
      shares.get(i % count).add(partitions.get(i));
    }
    List<SourceTask> tasks = new ArrayList<>();
    for (int taskId = 0; taskId < count; taskId++) {
      List<TopicPartition> share = shares.get(taskId);
      List<TableOutput> outputs = new ArrayList<>();
      for (Map.Entry<String, Sink> e : sinks.opened.entrySet()) {
        Map<String, Long> tableFloors = recovery.floors().getOrDefault(e.getKey(), Map.of());
        long[] floors = new long[share.size()];
        for (int i = 0; i < share.size(); i++) {
          floors[i] = tableFloors.getOrDefault(KafkaSource.splitId(share.get(i)), 0L);
        }
        outputs.add(new TableOutput(e.getKey(), e.getValue().createWriter(taskId), floors));
      }
      RecordProcessor processor =
          new RecordProcessor(
              spec.pipeline(),
              decoder(),
              transforms.newChain(),
              outputs.get(0),
              outputs.size() > 1 ? outputs.get(1) : null,
              spec.errors().policy(),
              metrics,
              options.clock());
      KafkaSourceTask task =
          new KafkaSourceTask(
              taskId,
              source.newConsumer("lakestream-" + spec.pipeline() + "-" + taskId),
              processor,
              share,
              start,
              end);
      tasks.add(task);
    }
    return tasks;
  }

  private RecordDecoder decoder() {
    if (spec.source().format() == KafkaSourceSpec.Format.AVRO) {
      return new AvroDecoder(
          AvroSchemas.read(Path.of(spec.source().avroSchemaFile())), spec.schema().schema());
    }
    return new JsonDecoder(spec.schema());
  }

  private static Map<TopicPartition, Long> toPartitions(Map<String, Long> positions) {
    Map<TopicPartition, Long> result = new HashMap<>();
    positions.forEach(
        (split, offset) -> {
          int colon = split.lastIndexOf(':');
          result.put(
              new TopicPartition(
                  split.substring(0, colon), Integer.parseInt(split.substring(colon + 1))),
              offset);
        });
    return result;
  }

  /** The pipeline's open sinks, closed together in reverse order of opening. */
  private record Sinks(Map<String, Sink> opened) implements AutoCloseable {
    Map<String, SinkCommitter> committers() {
      Map<String, SinkCommitter> result = new LinkedHashMap<>();
      opened.forEach((name, sink) -> result.put(name, sink.committer()));
      return result;
    }

    @Override
    public void close() {
      List<Sink> reversed = new ArrayList<>(opened.values());
      java.util.Collections.reverse(reversed);
      reversed.forEach(Sink::close);
    }
  }
}
