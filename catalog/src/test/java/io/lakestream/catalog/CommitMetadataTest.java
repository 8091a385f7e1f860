package io.lakestream.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

  @Test
  void commitEntriesRoundTripForTheirPipeline() {
    Map<String, String> entries =
        CommitMetadata.toCommitEntries("orders-to-lake", 7, Map.of("orders:0", 100L));

    assertThat(entries)
        .containsEntry("lakestream.pipeline-id", "orders-to-lake")
        .containsEntry("lakestream.checkpoint-id", "7")
        .containsEntry("lakestream.source-positions", "orders:0=100");
    assertThat(CommitMetadata.fromCommitEntries(entries, "orders-to-lake"))
        .contains(new CommitMetadata.Checkpoint("orders-to-lake", 7, Map.of("orders:0", 100L)));
  }

  @Test
  void commitsOfOtherPipelinesOrToolsRecordNothingForThisPipeline() {
    Map<String, String> entries = CommitMetadata.toCommitEntries("other", 7, Map.of());

    assertThat(CommitMetadata.fromCommitEntries(entries, "orders-to-lake")).isEmpty();
    assertThat(CommitMetadata.fromCommitEntries(Map.of("added-records", "5"), "orders-to-lake"))
        .isEmpty();
    assertThat(CommitMetadata.fromCommitEntries(null, "orders-to-lake")).isEmpty();
  }

  @Test
  void epochLivesInAPropertyNamedAfterThePipeline() {
    assertThat(CommitMetadata.epochProperty("orders-to-lake"))
        .isEqualTo("lakestream.epoch.orders-to-lake");
    assertThat(CommitMetadata.epoch(Map.of("lakestream.epoch.p", "3"), "p")).contains(3L);
    assertThat(CommitMetadata.epoch(Map.of(), "p")).isEmpty();
  }
}
