package io.lakestream.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.core.sink.Committable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CheckpointSerializerTest {

  private static Checkpoint sample() {
    return new Checkpoint(
        "orders",
        42,
        1_764_000_000_000L,
        Map.of("orders:0", 1000L, "orders:1", 2000L),
        Map.of(
            "analytics.orders",
            List.of(new Committable(7, "manifest-a".getBytes(StandardCharsets.UTF_8))),
            "analytics.orders_dead_letter",
            List.of()),
        Map.of(
            "window-0",
            "handle-0".getBytes(StandardCharsets.UTF_8),
            "split:orders:0",
            new byte[] {1, 2, 3}),
        128,
        Map.of("window-0", 2_500_000L));
  }

  @Test
  void roundTripsEveryField() {
    Checkpoint original = sample();

    Checkpoint read = CheckpointSerializer.deserialize(CheckpointSerializer.serialize(original));

    assertThat(read.pipelineId()).isEqualTo("orders");
    assertThat(read.id()).isEqualTo(42);
    assertThat(read.createdAtMillis()).isEqualTo(1_764_000_000_000L);
    assertThat(read.positions()).isEqualTo(original.positions());
    assertThat(read.committablesFor("analytics.orders")).hasSize(1);
    assertThat(read.committablesFor("analytics.orders").get(0).records()).isEqualTo(7);
    assertThat(
            new String(
                read.committablesFor("analytics.orders").get(0).bytes(), StandardCharsets.UTF_8))
        .isEqualTo("manifest-a");
    assertThat(read.committables()).containsKey("analytics.orders_dead_letter");
    assertThat(read.state()).containsOnlyKeys("window-0", "split:orders:0");
    assertThat(read.state().get("window-0")).isEqualTo(original.state().get("window-0"));
    assertThat(read.state().get("split:orders:0")).containsExactly(1, 2, 3);
    assertThat(read.keyGroups()).isEqualTo(128);
    assertThat(read.stateKeys()).containsExactlyEntriesOf(Map.of("window-0", 2_500_000L));
  }

  /** The fixture was written by format version 1; every later version must still read it. */
  @Test
  void readsVersionOneFixture() throws IOException {
    byte[] bytes;
    try (InputStream in = getClass().getResourceAsStream("/fixtures/checkpoint-v1.ckpt")) {
      bytes = in.readAllBytes();
    }

    Checkpoint read = CheckpointSerializer.deserialize(bytes);

    assertThat(read.pipelineId()).isEqualTo("orders");
    assertThat(read.id()).isEqualTo(42);
    assertThat(read.positions())
        .containsExactlyInAnyOrderEntriesOf(Map.of("orders:0", 1000L, "orders:1", 2000L));
    assertThat(
            new String(
                read.committablesFor("analytics.orders").get(0).bytes(), StandardCharsets.UTF_8))
        .isEqualTo("manifest-a");
    assertThat(read.state()).isEmpty();
    assertThat(read.keyGroups()).isZero();
  }

  /** The fixture was written by format version 2 (task state); later versions must read it. */
  @Test
  void readsVersionTwoFixture() throws IOException {
    byte[] bytes;
    try (InputStream in = getClass().getResourceAsStream("/fixtures/checkpoint-v2.ckpt")) {
      bytes = in.readAllBytes();
    }

    Checkpoint read = CheckpointSerializer.deserialize(bytes);

    assertThat(read.id()).isEqualTo(42);
    assertThat(read.positions())
        .containsExactlyInAnyOrderEntriesOf(Map.of("orders:0", 1000L, "orders:1", 2000L));
    assertThat(new String(read.state().get("window-0"), StandardCharsets.UTF_8))
        .isEqualTo("handle-0");
    assertThat(read.state().get("split:orders:0")).containsExactly(1, 2, 3);
    assertThat(read.keyGroups()).isZero();
  }

  /** The fixture was written by format version 3 (key groups); later versions must read it. */
  @Test
  void readsVersionThreeFixture() throws IOException {
    byte[] bytes;
    try (InputStream in = getClass().getResourceAsStream("/fixtures/checkpoint-v3.ckpt")) {
      bytes = in.readAllBytes();
    }

    Checkpoint read = CheckpointSerializer.deserialize(bytes);

    assertThat(read.id()).isEqualTo(42);
    assertThat(new String(read.state().get("window-0"), StandardCharsets.UTF_8))
        .isEqualTo("handle-0");
    assertThat(read.keyGroups()).isEqualTo(128);
    assertThat(read.stateKeys()).isEmpty();
  }

  @Test
  void rejectsCorruptedBytes() {
    byte[] bytes = CheckpointSerializer.serialize(sample());
    bytes[20] ^= 0x55;

    assertThatThrownBy(() -> CheckpointSerializer.deserialize(bytes))
        .isInstanceOf(CheckpointSerializer.CorruptCheckpointException.class)
        .hasMessage("checksum mismatch");
  }

  @Test
  void rejectsTruncatedBytes() {
    byte[] bytes = CheckpointSerializer.serialize(sample());
    byte[] truncated = java.util.Arrays.copyOf(bytes, bytes.length - 9);

    assertThatThrownBy(() -> CheckpointSerializer.deserialize(truncated))
        .isInstanceOf(CheckpointSerializer.CorruptCheckpointException.class);
  }
}
