package io.lakestream.core.spec;

import io.lakestream.core.decode.RecordFormat;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code source.kafka} section.
 *
 * @param bootstrapServers broker addresses, or {@code embedded} for the built-in broker
 * @param topics topics to read; empty when {@code topicPattern} is given
 * @param topicPattern a regular expression over topic names, or null
 * @param start where to begin when neither a checkpoint nor a table records a position
 * @param format how record values are encoded
 * @param formatOptions the values of the format's own options, e.g. its {@code schema-file}
 * @param properties passed to the Kafka consumer as they are
 * @param tombstones what a record with a null value does
 * @param end in a bounded run, where each partition ends: before its first record at or after this
 *     time (a backfill's range); null for the end it has when the run starts
 * @param startOffsets by split id ({@code topic:partition}), the offset a split starts at when
 *     nothing records a position for it, instead of {@code start}'s rule (a backfill's explicit
 *     offsets); empty for none
 * @param endOffsets by split id, the offset before which a bounded run ends a split, instead of
 *     {@code end}; empty for none
 */
public record KafkaSourceSpec(
    String bootstrapServers,
    List<String> topics,
    String topicPattern,
    Start start,
    RecordFormat format,
    OptionValues formatOptions,
    Map<String, String> properties,
    Tombstones tombstones,
    Instant end,
    Map<String, Long> startOffsets,
    Map<String, Long> endOffsets)
    implements SourceSpec {

  public KafkaSourceSpec {
    topics = List.copyOf(topics);
    startOffsets = Map.copyOf(startOffsets);
    endOffsets = Map.copyOf(endOffsets);
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(formatOptions, "formatOptions");
    properties = Map.copyOf(properties);
  }

  /** This spec reading from other brokers, e.g. the embedded broker once it has started. */
  public KafkaSourceSpec withBootstrapServers(String servers) {
    return new KafkaSourceSpec(
        servers,
        topics,
        topicPattern,
        start,
        format,
        formatOptions,
        properties,
        tombstones,
        end,
        startOffsets,
        endOffsets);
  }

  /**
   * This spec reading the records between two times: from the first record at or after {@code from}
   * (when nothing records a position) and, in a bounded run, up to the first at or after {@code
   * to}, as Kafka's time index finds them.
   */
  public KafkaSourceSpec withRange(Start from, Instant to) {
    return new KafkaSourceSpec(
        bootstrapServers,
        topics,
        topicPattern,
        from,
        format,
        formatOptions,
        properties,
        tombstones,
        to,
        startOffsets,
        endOffsets);
  }

  /**
   * This spec with explicit offsets by split id ({@code topic:partition}): where the splits they
   * name start when nothing records a position, and where a bounded run ends them; the other splits
   * keep the start rule and the end.
   */
  public KafkaSourceSpec withOffsets(Map<String, Long> from, Map<String, Long> to) {
    return new KafkaSourceSpec(
        bootstrapServers,
        topics,
        topicPattern,
        start,
        format,
        formatOptions,
        properties,
        tombstones,
        end,
        from,
        to);
  }

  @Override
  public String summary() {
    return (topicPattern != null
            ? "topics matching " + topicPattern
            : "topics " + String.join(", ", topics))
        + " from "
        + bootstrapServers
        + " ("
        + format.name()
        + ")";
  }

  /** Whether the spec asks for the built-in broker. */
  public boolean embedded() {
    return EMBEDDED.equals(bootstrapServers);
  }

  /** The value {@code bootstrap-servers} takes to use the built-in broker. */
  public static final String EMBEDDED = "embedded";

  /** Shows every component, with the values of secret properties masked. */
  @Override
  public String toString() {
    return "KafkaSourceSpec[bootstrapServers="
        + bootstrapServers
        + ", topics="
        + topics
        + ", topicPattern="
        + topicPattern
        + ", start="
        + start
        + ", format="
        + format.name()
        + ", formatOptions="
        + formatOptions
        + ", properties="
        + Secrets.mask(properties)
        + ", tombstones="
        + tombstones
        + ", end="
        + end
        + ", startOffsets="
        + startOffsets
        + ", endOffsets="
        + endOffsets
        + "]";
  }

  /** What a record with a null value does; see {@code SpecOptions.TOMBSTONES}. */
  public enum Tombstones {
    AUTO,
    SKIP,
    BAD_RECORD
  }

  /**
   * Where to start reading a partition that no checkpoint or table records.
   *
   * @param kind which rule applies
   * @param timestamp for {@link Kind#TIMESTAMP}: the first record at or after this time
   */
  public record Start(Kind kind, Instant timestamp) {
    /** The start rules. */
    public enum Kind {
      COMMITTED,
      EARLIEST,
      LATEST,
      TIMESTAMP
    }
  }
}
