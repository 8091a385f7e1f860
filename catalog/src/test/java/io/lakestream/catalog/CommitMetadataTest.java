package io.lakestream.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.core.spec.WriterId;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CommitMetadataTest {

  @Test
  void encodesPositionsSortedBySplitId() {
    Map<String, Long> positions = new HashMap<>();
    positions.put("orders:1", 17L);
    positions.put("clicks:0", 5L);
    positions.put("orders:0", 42L);

    assertThat(CommitMetadata.encodePositions(positions))
        .isEqualTo("clicks:0=5,orders:0=42,orders:1=17");
  }

  @Test
  void decodesWhatItEncodes() {
    Map<String, Long> positions = Map.of("orders:0", 42L, "orders:1", Long.MAX_VALUE, "x:2", 0L);

    assertThat(CommitMetadata.decodePositions(CommitMetadata.encodePositions(positions)))
        .isEqualTo(positions);
  }

  @Test
  void emptyPositionsEncodeAsEmptyString() {
    assertThat(CommitMetadata.encodePositions(Map.of())).isEmpty();
    assertThat(CommitMetadata.decodePositions("")).isEmpty();
  }

  @Test
  void rejectsSplitIdsThatWouldBreakTheEncoding() {
    assertThatThrownBy(() -> CommitMetadata.encodePositions(Map.of("a=b", 1L)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Split id must be non-empty and contain neither '=' nor ',': \"a=b\"");
    assertThatThrownBy(() -> CommitMetadata.encodePositions(Map.of("a,b", 1L)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rejectsMalformedPositions() {
    assertThatThrownBy(() -> CommitMetadata.decodePositions("orders:0=12,orders:1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Malformed source position \"orders:1\" in \"orders:0=12,orders:1\"");
    assertThatThrownBy(() -> CommitMetadata.decodePositions("orders:0=x"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static final WriterId LIVE = WriterId.of("orders-to-lake");
  private static final WriterId BACKFILL = new WriterId("orders-to-lake", "backfill-1");

  @Test
  void commitEntriesRoundTripForTheirWriter() {
    Map<String, String> entries =
        CommitMetadata.toCommitEntries(BACKFILL, 7, Map.of("orders:0", 100L));

    assertThat(entries)
        .containsEntry("lakestream.pipeline-id", "orders-to-lake")
        .containsEntry("lakestream.writer", "backfill-1")
        .containsEntry("lakestream.checkpoint-id", "7")
        .containsEntry("lakestream.source-positions", "orders:0=100");
    assertThat(CommitMetadata.fromCommitEntries(entries, BACKFILL))
        .contains(new CommitMetadata.Checkpoint(BACKFILL, 7, Map.of("orders:0", 100L)));
    assertThat(CommitMetadata.fromCommitEntries(entries))
        .map(CommitMetadata.Checkpoint::writer)
        .contains(BACKFILL);
  }

  @Test
  void commitsOfOtherWritersPipelinesOrToolsRecordNothingForThisWriter() {
    Map<String, String> other = CommitMetadata.toCommitEntries(WriterId.of("other"), 7, Map.of());
    Map<String, String> backfill = CommitMetadata.toCommitEntries(BACKFILL, 7, Map.of());

    assertThat(CommitMetadata.fromCommitEntries(other, LIVE)).isEmpty();
    assertThat(CommitMetadata.fromCommitEntries(backfill, LIVE)).isEmpty();
    assertThat(CommitMetadata.fromCommitEntries(Map.of("added-records", "5"), LIVE)).isEmpty();
    assertThat(CommitMetadata.fromCommitEntries(Map.of("added-records", "5"))).isEmpty();
    assertThat(CommitMetadata.fromCommitEntries(null, LIVE)).isEmpty();
  }

  @Test
  void aCommitWrittenBeforeWritersHadNamesIsTheDefaultWriters() {
    Map<String, String> before =
        Map.of(
            "lakestream.pipeline-id", "orders-to-lake",
            "lakestream.checkpoint-id", "3",
            "lakestream.source-positions", "orders:0=9");

    assertThat(CommitMetadata.fromCommitEntries(before, LIVE))
        .contains(new CommitMetadata.Checkpoint(LIVE, 3, Map.of("orders:0", 9L)));
    assertThat(CommitMetadata.fromCommitEntries(before, BACKFILL)).isEmpty();
  }

  @Test
  void epochLivesInAPropertyNamedAfterTheWriter() {
    assertThat(CommitMetadata.epochProperty(LIVE)).isEqualTo("lakestream.epoch.orders-to-lake");
    assertThat(CommitMetadata.epochProperty(BACKFILL))
        .isEqualTo("lakestream.epoch.orders-to-lake/backfill-1");
    assertThat(CommitMetadata.epoch(Map.of("lakestream.epoch.p", "3"), WriterId.of("p")))
        .contains(3L);
    assertThat(CommitMetadata.epoch(Map.of("lakestream.epoch.p", "3"), new WriterId("p", "b")))
        .isEmpty();
    assertThat(CommitMetadata.epoch(Map.of(), WriterId.of("p"))).isEmpty();
  }

  @Test
  void carriesALastCheckpointPerWriterAndBranch() {
    WriterId backfill = new WriterId("orders", "backfill-1");
    CommitMetadata.Checkpoint checkpoint =
        new CommitMetadata.Checkpoint(backfill, 42, Map.of("orders:0", 7L, "orders:1", 9L));
    Map<String, String> properties =
        Map.of(
            "lakestream.last-checkpoint.orders/backfill-1@staging",
            CommitMetadata.encodeLastCheckpoint(checkpoint));

    assertThat(CommitMetadata.lastCheckpoint(properties, backfill, "staging")).contains(checkpoint);
    assertThat(CommitMetadata.lastCheckpoint(properties, backfill, "main")).isEmpty();
    assertThat(CommitMetadata.lastCheckpointProperty(WriterId.of("orders"), null))
        .isEqualTo("lakestream.last-checkpoint.orders");
  }

  @Test
  void rejectsAMalformedLastCheckpoint() {
    Map<String, String> properties = Map.of("lakestream.last-checkpoint.orders", "x;a=1");

    assertThatThrownBy(() -> CommitMetadata.lastCheckpoint(properties, WriterId.of("orders"), null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Table property lakestream.last-checkpoint.orders is not <checkpoint-id>;<positions>:"
                + " x;a=1");
  }
}
