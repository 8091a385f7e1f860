package io.lakestream.core.kafka;

import io.lakestream.core.error.PipelineException;
import io.lakestream.core.source.AcknowledgesPositions;
import io.lakestream.core.source.RecordSource;
import io.lakestream.core.source.ReportsProgress;
import io.lakestream.core.spec.KafkaSourceSpec;
import io.lakestream.core.spec.Units;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka topics as a source: its splits are the topics' partitions (a split id is {@code
 * topic:partition}); it decides where each starts and ends, creates the task consumers, and
 * acknowledges committed positions as consumer-group offsets (for lag monitoring only: the tables,
 * not the group, are the source of truth).
 *
 * <p>Partitions are assigned to tasks by the pipeline, never by a group rebalance, so a task's
 * position is exactly what its checkpoint says. Consumers run with {@code auto.offset.reset=none}:
 * a position that retention has deleted stops the pipeline instead of silently skipping data.
 */
public final class KafkaSource implements RecordSource, AcknowledgesPositions, ReportsProgress {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaSource.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final Duration ACK_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration LAG_TIMEOUT = Duration.ofSeconds(3);

  private final KafkaSourceSpec spec;
  private final String writerName;
  private final String groupId;
  private final Admin admin;
  private final Clock clock;
  private volatile BrokerWatch watch;
  private volatile List<TopicPartition> known = List.of();
  private final AtomicBoolean acknowledging = new AtomicBoolean();
  private final AtomicReference<Map<TopicPartition, Long>> unacknowledged = new AtomicReference<>();
  private volatile boolean acknowledgeFailed;
  private final RecordTimestamps timestamps;

  /** Where a bounded run's readers stop each partition; see {@link #endOffsets}. */
  private final Map<TopicPartition, Long> bounds = new ConcurrentHashMap<>();

  /** Where each partition started in this run when no commit recorded a position for it. */
  private final Map<TopicPartition, Long> starts = new ConcurrentHashMap<>();

  public KafkaSource(KafkaSourceSpec spec, String writerName, Clock clock) {
    this.spec = spec;
    this.writerName = writerName;
    this.clock = clock;
    this.groupId = spec.properties().getOrDefault("group.id", "lakestream-" + writerName);
    Properties props = new Properties();
    props.putAll(spec.properties());
    props.remove("group.id");
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, spec.bootstrapServers());
    props.put(AdminClientConfig.CLIENT_ID_CONFIG, "lakestream-" + writerName + "-admin");
    this.admin = Admin.create(props);
    this.timestamps =
        new RecordTimestamps(() -> newProbeConsumer("lakestream-" + writerName + "-lag"), clock);
  }

  /**
   * The split id of a partition as checkpoints and table commits record it: {@code
   * topic:partition}.
   */
  public static String splitId(TopicPartition tp) {
    return tp.topic() + ":" + tp.partition();
  }

  /** The partition a split id names; see {@link #splitId}. */
  static TopicPartition partition(String splitId) {
    int colon = splitId.lastIndexOf(':');
    return new TopicPartition(
        splitId.substring(0, colon), Integer.parseInt(splitId.substring(colon + 1)));
  }

  @Override
  public String describe() {
    return "Kafka at "
        + spec.bootstrapServers()
        + (spec.topicPattern() != null
            ? " (topics matching " + spec.topicPattern() + ")"
            : " (topics " + String.join(", ", spec.topics()) + ")");
  }

  /**
   * The partitions of the configured topics (or of the topics matching the pattern). The first call
   * waits up to a minute for the brokers; later ones, which look for new partitions and topics
   * while the pipeline runs, only a few seconds, and the brokers are watched from the first answer
   * on (see {@link BrokerWatch}).
   */
  @Override
  public List<String> splits() {
    boolean first = watch == null;
    List<TopicPartition> partitions = partitions(first ? TIMEOUT : LAG_TIMEOUT);
    known = partitions;
    List<String> splits = partitions.stream().map(KafkaSource::splitId).toList();
    if (first) {
      requireKnown(spec.startOffsets().keySet(), splits);
      requireKnown(spec.endOffsets().keySet(), splits);
      watch = new BrokerWatch(admin, spec.bootstrapServers(), clock);
    }
    return splits;
  }

  /** Explicit offsets must name partitions the source reads. */
  private void requireKnown(Set<String> named, List<String> splits) {
    List<String> unknown = named.stream().filter(s -> !splits.contains(s)).sorted().toList();
    if (!unknown.isEmpty()) {
      throw new PipelineException(
          "Offsets are given for "
              + String.join(", ", unknown)
              + ", which this source does not read; its partitions are "
              + String.join(", ", splits));
    }
  }

  @Override
  public KafkaSplitReader reader(String taskName, boolean bounded) {
    return new KafkaSplitReader(
        this, newConsumer("lakestream-" + writerName + "-" + taskName), bounded);
  }

  /**
   * The partitions of the configured topics (or of the topics matching the pattern), sorted.
   *
   * @throws PipelineException if a topic does not exist or the brokers cannot be reached
   */
  private List<TopicPartition> partitions(Duration timeout) {
    List<String> topics;
    if (spec.topicPattern() != null) {
      Pattern pattern = Pattern.compile(spec.topicPattern());
      Set<String> all = await(admin.listTopics().names(), "list topics", timeout);
      topics = all.stream().filter(t -> pattern.matcher(t).matches()).sorted().toList();
      if (topics.isEmpty()) {
        throw new PipelineException(
            "source.kafka.topic-pattern: no topic on "
                + spec.bootstrapServers()
                + " matches \""
                + spec.topicPattern()
                + "\"");
      }
    } else {
      topics = spec.topics();
      Set<String> all = await(admin.listTopics().names(), "list topics", timeout);
      List<String> missing = topics.stream().filter(t -> !all.contains(t)).toList();
      if (!missing.isEmpty()) {
        throw new PipelineException(
            "source.kafka.topics: no such topic on "
                + spec.bootstrapServers()
                + ": "
                + String.join(", ", missing));
      }
    }
    Map<String, TopicDescription> described =
        await(admin.describeTopics(topics).allTopicNames(), "describe topics", timeout);
    List<TopicPartition> result = new ArrayList<>();
    for (TopicDescription d : described.values()) {
      d.partitions().forEach(p -> result.add(new TopicPartition(d.name(), p.partition())));
    }
    result.sort(
        Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
    return result;
  }

  /**
   * Where each partition starts when nothing records a position for it, by the spec's start rule.
   */
  Map<TopicPartition, Long> startOffsets(List<TopicPartition> partitions) {
    Map<TopicPartition, Long> result =
        explicit(spec.startOffsets(), partitions, this::startOffsetsByRule);
    starts.putAll(result);
    return result;
  }

  private Map<TopicPartition, Long> startOffsetsByRule(List<TopicPartition> partitions) {
    if (partitions.isEmpty()) {
      return Map.of();
    }
    KafkaSourceSpec.Start start = spec.start();
    return switch (start.kind()) {
      case EARLIEST -> listOffsets(partitions, OffsetSpec.earliest());
      case LATEST -> listOffsets(partitions, OffsetSpec.latest());
      case TIMESTAMP -> offsetsAt(partitions, start.timestamp());
      case COMMITTED -> {
        Map<TopicPartition, OffsetAndMetadata> committed =
            await(
                admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata(),
                "read committed offsets of group " + groupId);
        Map<TopicPartition, Long> earliest = listOffsets(partitions, OffsetSpec.earliest());
        Map<TopicPartition, Long> result = new HashMap<>();
        for (TopicPartition tp : partitions) {
          OffsetAndMetadata om = committed.get(tp);
          result.put(tp, om == null ? earliest.get(tp) : om.offset());
        }
        yield result;
      }
    };
  }

  /**
   * Where a bounded run ends each partition: its current end (the next offset to be written), or,
   * when the spec names an end time, its first record at or after that time if it has one. From
   * then on {@link #lag} counts only the records before that end: what the run has left to do.
   */
  Map<TopicPartition, Long> endOffsets(List<TopicPartition> partitions) {
    Map<TopicPartition, Long> ends =
        explicit(
            spec.endOffsets(),
            partitions,
            rest ->
                rest.isEmpty()
                    ? Map.of()
                    : spec.end() == null
                        ? listOffsets(rest, OffsetSpec.latest())
                        : offsetsAt(rest, spec.end()));
    bounds.putAll(ends);
    return ends;
  }

  /**
   * The offsets {@code explicit} names for {@code partitions}, and {@code others}' answer for the
   * partitions it does not name.
   */
  private static Map<TopicPartition, Long> explicit(
      Map<String, Long> explicit,
      List<TopicPartition> partitions,
      Function<List<TopicPartition>, Map<TopicPartition, Long>> others) {
    Map<TopicPartition, Long> result = new HashMap<>();
    List<TopicPartition> rest = new ArrayList<>();
    for (TopicPartition tp : partitions) {
      Long offset = explicit.get(splitId(tp));
      if (offset != null) {
        result.put(tp, offset);
      } else {
        rest.add(tp);
      }
    }
    result.putAll(others.apply(rest));
    return result;
  }

  /**
   * The offset of each partition's first record at or after {@code time} by Kafka's time index, or
   * its end when it has none.
   */
  private Map<TopicPartition, Long> offsetsAt(List<TopicPartition> partitions, Instant time) {
    if (time.toEpochMilli() <= 0) {
      // Kafka reads negative timestamps as special offsets; no record is older than the epoch
      return listOffsets(partitions, OffsetSpec.earliest());
    }
    Map<TopicPartition, Long> result = listOffsets(partitions, OffsetSpec.latest());
    listOffsets(partitions, OffsetSpec.forTimestamp(time.toEpochMilli()))
        .forEach(
            (tp, offset) -> {
              if (offset >= 0) {
                result.put(tp, offset);
              }
            });
    return result;
  }

  /** The first offset each partition still holds. */
  Map<TopicPartition, Long> earliestOffsets(List<TopicPartition> partitions) {
    return partitions.isEmpty() ? Map.of() : listOffsets(partitions, OffsetSpec.earliest());
  }

  private Map<TopicPartition, Long> listOffsets(List<TopicPartition> partitions, OffsetSpec which) {
    return listOffsets(partitions, which, TIMEOUT);
  }

  private Map<TopicPartition, Long> listOffsets(
      List<TopicPartition> partitions, OffsetSpec which, Duration timeout) {
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    partitions.forEach(tp -> request.put(tp, which));
    Map<TopicPartition, ListOffsetsResultInfo> info =
        await(
            admin
                .listOffsets(request, new ListOffsetsOptions().timeoutMs((int) timeout.toMillis()))
                .all(),
            "list offsets",
            timeout);
    Map<TopicPartition, Long> result = new HashMap<>();
    info.forEach((tp, i) -> result.put(tp, i.offset()));
    return result;
  }

  /** A consumer for one task: no group membership, no auto-commit, fails on lost offsets. */
  private KafkaConsumer<byte[], byte[]> newConsumer(String clientId) {
    Properties props = new Properties();
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
    props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(4 << 20));
    props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, String.valueOf(64 << 20));
    props.put(ConsumerConfig.RECEIVE_BUFFER_CONFIG, String.valueOf(1 << 20));
    props.putAll(spec.properties());
    return newConsumer(clientId, props);
  }

  /**
   * A consumer for the lag probe, which reads one record per partition: fetch sizes set after the
   * spec's properties, so that whatever the task consumers fetch, a probe fetches one record batch
   * per partition (the broker returns the first batch even when it exceeds the limit) and keeps at
   * most a few in memory.
   */
  private KafkaConsumer<byte[], byte[]> newProbeConsumer(String clientId) {
    Properties props = new Properties();
    props.putAll(spec.properties());
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "100");
    props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, "1");
    props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, String.valueOf(1 << 20));
    return newConsumer(clientId, props);
  }

  /** The settings every consumer of this source has over {@code props}. */
  private KafkaConsumer<byte[], byte[]> newConsumer(String clientId, Properties props) {
    props.putIfAbsent(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, spec.bootstrapServers());
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
    return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /**
   * Records committed positions as the consumer group's offsets, so that standard tools show lag.
   * Returns at once: the offsets are sent in the background, one request at a time; positions given
   * while one is under way (say, during a broker outage) replace each other, and only the newest is
   * sent next. Failures are logged, not thrown: the tables already hold the truth.
   */
  @Override
  public void acknowledge(Map<String, Long> positions) {
    Map<TopicPartition, Long> offsets = new HashMap<>();
    positions.forEach((split, offset) -> offsets.put(partition(split), offset));
    unacknowledged.set(offsets);
    if (acknowledging.compareAndSet(false, true)) {
      sendAcknowledgement();
    }
  }

  private void sendAcknowledgement() {
    Map<TopicPartition, Long> positions = unacknowledged.getAndSet(null);
    if (positions == null) {
      acknowledging.set(false);
      // positions handed over between the two lines above are sent by whoever wins this
      if (unacknowledged.get() != null && acknowledging.compareAndSet(false, true)) {
        sendAcknowledgement();
      }
      return;
    }
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    positions.forEach((tp, offset) -> offsets.put(tp, new OffsetAndMetadata(offset)));
    admin
        .alterConsumerGroupOffsets(
            groupId,
            offsets,
            new AlterConsumerGroupOffsetsOptions().timeoutMs((int) ACK_TIMEOUT.toMillis()))
        .all()
        .whenComplete(
            (ok, e) -> {
              if (e == null) {
                acknowledgeFailed = false;
              } else if (!acknowledgeFailed) {
                acknowledgeFailed = true;
                LOG.warn(
                    "Could not record positions in consumer group {} (lag tools show older"
                        + " offsets until it works again): {}",
                    groupId,
                    e.getMessage());
              } else {
                LOG.debug("Could not record positions in consumer group {}", groupId, e);
              }
              sendAcknowledgement();
            });
  }

  @Override
  public String stall() {
    BrokerWatch w = watch;
    return w == null ? null : w.stall();
  }

  /**
   * The records each partition holds beyond {@code positions}, by split id, asked with a short
   * deadline so that a caller reporting progress is never held up by an outage. A partition without
   * a position counts from where this run started reading it. In a bounded run, only the records
   * before where it stops count.
   *
   * @throws PipelineException if the brokers do not answer in time
   */
  @Override
  public Map<String, Long> lag(Map<String, Long> positions) {
    if (known.isEmpty()) {
      return Map.of();
    }
    Map<String, Long> lag = new TreeMap<>();
    for (Map.Entry<TopicPartition, Long> e :
        listOffsets(known, OffsetSpec.latest(), LAG_TIMEOUT).entrySet()) {
      String split = splitId(e.getKey());
      long end = Math.min(e.getValue(), bounds.getOrDefault(e.getKey(), Long.MAX_VALUE));
      Long from = positions.get(split);
      lag.put(
          split, Math.max(0, end - (from != null ? from : starts.getOrDefault(e.getKey(), 0L))));
    }
    return lag;
  }

  @Override
  public Map<String, Long> waitingSince(Map<String, Long> positions) {
    Map<TopicPartition, Long> offsets = new HashMap<>();
    positions.forEach((split, offset) -> offsets.put(partition(split), offset));
    Map<String, Long> result = new TreeMap<>();
    timestamps.at(offsets, LAG_TIMEOUT).forEach((tp, ts) -> result.put(splitId(tp), ts));
    return result;
  }

  private <T> T await(org.apache.kafka.common.KafkaFuture<T> future, String what) {
    return await(future, what, TIMEOUT);
  }

  private <T> T await(
      org.apache.kafka.common.KafkaFuture<T> future, String what, Duration timeout) {
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new PipelineException(
          "Kafka at "
              + spec.bootstrapServers()
              + ": cannot "
              + what
              + ": "
              + e.getCause().getMessage(),
          e.getCause());
    } catch (TimeoutException e) {
      throw new PipelineException(
          "Kafka at "
              + spec.bootstrapServers()
              + " did not answer within "
              + Units.formatElapsed(timeout)
              + " (cannot "
              + what
              + "). Is source.kafka.bootstrap-servers right?");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PipelineException("Interrupted while trying to " + what);
    }
  }

  /** Closes the admin client, giving an acknowledgement under way a few seconds to finish. */
  @Override
  public void close() {
    BrokerWatch w = watch;
    if (w != null) {
      w.close();
    }
    timestamps.close();
    admin.close(ACK_TIMEOUT);
  }
}
