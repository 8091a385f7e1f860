package io.lakestream.catalog;

import io.lakestream.core.spec.WriterId;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The keys lakestream writes into every table commit so that a table alone tells which checkpoint
 * of which pipeline it holds, plus the table property that fences older instances of a pipeline.
 *
 * <p><b>These names and encodings are a stable on-disk contract.</b> They are read back from tables
 * written by earlier versions of lakestream during recovery; never rename a key or change an
 * encoding. Add new keys instead.
 *
 * <ul>
 *   <li>{@value #PIPELINE_ID}: the pipeline id;
 *   <li>{@value #WRITER}: the name of the pipeline's writer that committed; a commit without it
 *       (written before writers had names) is the default writer's;
 *   <li>{@value #CHECKPOINT_ID}: the checkpoint id, a decimal {@code long};
 *   <li>{@value #SOURCE_POSITIONS}: the source positions after the last record included, as {@code
 *       split=position} pairs sorted by split id and joined by {@code ,}, e.g. {@code
 *       orders:0=42,orders:1=17}; the empty string when there are none;
 *   <li>{@code lakestream.epoch.<pipeline-id>} (a table property, not a commit key): the fencing
 *       epoch of the instance that owns the pipeline's default writer, a decimal {@code long};
 *       {@code lakestream.epoch.<pipeline-id>/<writer>} that of another writer ({@code /} never
 *       occurs in a pipeline id).
 *   <li>{@code lakestream.last-checkpoint.<pipeline-id>[/<writer>][@<branch>]} (a table property,
 *       not a commit key): the last checkpoint a writer committed to a branch (the main line when
 *       there is no {@code @<branch>}), as {@code <checkpoint-id>;<source positions>}. Snapshot
 *       expiry writes it for every writer whose commits it could expire, so recovery still finds
 *       the checkpoint when the snapshot recording it is gone. Pipeline ids and writer names never
 *       contain {@code /} or {@code @}.
 * </ul>
 *
 * In Iceberg these are snapshot-summary entries; in Hudi, commit extra metadata.
 */
public final class CommitMetadata {

  /** Commit key holding the pipeline id. */
  public static final String PIPELINE_ID = "lakestream.pipeline-id";

  /** Commit key holding the writer's name. */
  public static final String WRITER = "lakestream.writer";

  /** Commit key holding the checkpoint id. */
  public static final String CHECKPOINT_ID = "lakestream.checkpoint-id";

  /** Commit key holding the encoded source positions. */
  public static final String SOURCE_POSITIONS = "lakestream.source-positions";

  /** Prefix of the table property holding a pipeline's fencing epoch. */
  public static final String EPOCH_PROPERTY_PREFIX = "lakestream.epoch.";

  /** Prefix of the table property carrying a writer's last checkpoint past snapshot expiry. */
  public static final String LAST_CHECKPOINT_PROPERTY_PREFIX = "lakestream.last-checkpoint.";

  private static final String MAIN_BRANCH = "main";

  private CommitMetadata() {}

  /**
   * What one commit records.
   *
   * @param writer the pipeline and writer that committed
   * @param checkpointId the checkpoint committed
   * @param positions source positions after the last record included, by split id
   */
  public record Checkpoint(WriterId writer, long checkpointId, Map<String, Long> positions) {
    public Checkpoint {
      Objects.requireNonNull(writer, "writer");
      positions = Map.copyOf(positions);
    }
  }

  /** The table property holding the fencing epoch of {@code writer}. */
  public static String epochProperty(WriterId writer) {
    return EPOCH_PROPERTY_PREFIX
        + writer.pipeline()
        + (writer.isDefault() ? "" : "/" + writer.name());
  }

  /**
   * The commit entries recording a checkpoint: {@link #PIPELINE_ID}, {@link #WRITER}, {@link
   * #CHECKPOINT_ID} and {@link #SOURCE_POSITIONS}.
   *
   * @throws IllegalArgumentException if a split id contains {@code =} or {@code ,}
   */
  public static Map<String, String> toCommitEntries(
      WriterId writer, long checkpointId, Map<String, Long> positions) {
    return Map.of(
        PIPELINE_ID,
        writer.pipeline(),
        WRITER,
        writer.name(),
        CHECKPOINT_ID,
        Long.toString(checkpointId),
        SOURCE_POSITIONS,
        encodePositions(positions));
  }

  /**
   * Reads what a commit recorded for {@code writer}; empty when the commit was made by another
   * writer, another pipeline or another tool.
   *
   * @param entries a commit's metadata (an Iceberg snapshot summary)
   * @throws IllegalArgumentException if the commit belongs to the writer but its entries are
   *     malformed
   */
  public static Optional<Checkpoint> fromCommitEntries(
      Map<String, String> entries, WriterId writer) {
    return fromCommitEntries(entries).filter(c -> c.writer().equals(writer));
  }

  /**
   * Reads what a commit recorded, whichever lakestream writer made it; empty for a commit of
   * another tool.
   *
   * @throws IllegalArgumentException if the commit names a pipeline but its entries are malformed
   */
  public static Optional<Checkpoint> fromCommitEntries(Map<String, String> entries) {
    String pipelineId = entries == null ? null : entries.get(PIPELINE_ID);
    if (pipelineId == null) {
      return Optional.empty();
    }
    WriterId writer = new WriterId(pipelineId, entries.getOrDefault(WRITER, WriterId.DEFAULT));
    String checkpoint = entries.get(CHECKPOINT_ID);
    if (checkpoint == null) {
      throw new IllegalArgumentException(
          "Commit of " + writer.describe() + " has no " + CHECKPOINT_ID);
    }
    long checkpointId;
    try {
      checkpointId = Long.parseLong(checkpoint);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "Commit of "
              + writer.describe()
              + " has a malformed "
              + CHECKPOINT_ID
              + ": "
              + checkpoint,
          e);
    }
    String positions = entries.get(SOURCE_POSITIONS);
    return Optional.of(
        new Checkpoint(
            writer, checkpointId, positions == null ? Map.of() : decodePositions(positions)));
  }

  /**
   * Encodes positions as {@code split=position} pairs sorted by split id and joined by {@code ,}.
   *
   * @throws IllegalArgumentException if a split id is empty or contains {@code =} or {@code ,}
   */
  public static String encodePositions(Map<String, Long> positions) {
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, Long> e : new TreeMap<>(positions).entrySet()) {
      String split = e.getKey();
      if (split.isEmpty() || split.indexOf('=') >= 0 || split.indexOf(',') >= 0) {
        throw new IllegalArgumentException(
            "Split id must be non-empty and contain neither '=' nor ',': \"" + split + "\"");
      }
      Objects.requireNonNull(e.getValue(), () -> "position of split " + split);
      if (out.length() > 0) {
        out.append(',');
      }
      out.append(split).append('=').append(e.getValue().longValue());
    }
    return out.toString();
  }

  /**
   * Decodes what {@link #encodePositions} wrote.
   *
   * @throws IllegalArgumentException if {@code encoded} is malformed
   */
  public static Map<String, Long> decodePositions(String encoded) {
    Map<String, Long> positions = new TreeMap<>();
    if (encoded.isEmpty()) {
      return positions;
    }
    for (String pair : encoded.split(",", -1)) {
      int eq = pair.lastIndexOf('=');
      if (eq <= 0 || eq == pair.length() - 1) {
        throw new IllegalArgumentException(
            "Malformed source position \"" + pair + "\" in \"" + encoded + "\"");
      }
      String split = pair.substring(0, eq);
      long position;
      try {
        position = Long.parseLong(pair.substring(eq + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "Malformed source position \"" + pair + "\" in \"" + encoded + "\"", e);
      }
      if (positions.put(split, position) != null) {
        throw new IllegalArgumentException(
            "Duplicate split \"" + split + "\" in source positions \"" + encoded + "\"");
      }
    }
    return positions;
  }

  /**
   * Reads a writer's fencing epoch from table properties; empty if the writer never fenced.
   *
   * @throws IllegalArgumentException if the property is not a number
   */
  public static Optional<Long> epoch(Map<String, String> tableProperties, WriterId writer) {
    String value = tableProperties.get(epochProperty(writer));
    if (value == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Long.parseLong(value));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "Table property " + epochProperty(writer) + " is not a number: " + value, e);
    }
  }

  /**
   * The table property carrying {@code writer}'s last checkpoint on {@code branch}.
   *
   * @param branch the branch, or null or {@code main} for the main line
   */
  public static String lastCheckpointProperty(WriterId writer, String branch) {
    String suffix = branch == null || branch.equals(MAIN_BRANCH) ? "" : "@" + branch;
    return LAST_CHECKPOINT_PROPERTY_PREFIX
        + writer.pipeline()
        + (writer.isDefault() ? "" : "/" + writer.name())
        + suffix;
  }

  /** Encodes a checkpoint as the value of its {@link #lastCheckpointProperty}. */
  public static String encodeLastCheckpoint(Checkpoint checkpoint) {
    return checkpoint.checkpointId() + ";" + encodePositions(checkpoint.positions());
  }

  /**
   * Reads the last checkpoint a table property carries for {@code writer} on {@code branch}; empty
   * if there is none.
   *
   * @throws IllegalArgumentException if the property is malformed
   */
  public static Optional<Checkpoint> lastCheckpoint(
      Map<String, String> tableProperties, WriterId writer, String branch) {
    String property = lastCheckpointProperty(writer, branch);
    String value = tableProperties.get(property);
    if (value == null) {
      return Optional.empty();
    }
    int separator = value.indexOf(';');
    try {
      if (separator < 0) {
        throw new NumberFormatException("no ';'");
      }
      return Optional.of(
          new Checkpoint(
              writer,
              Long.parseLong(value.substring(0, separator)),
              decodePositions(value.substring(separator + 1))));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "Table property " + property + " is not <checkpoint-id>;<positions>: " + value, e);
    }
  }
}
