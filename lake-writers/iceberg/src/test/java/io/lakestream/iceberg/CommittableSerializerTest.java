package io.lakestream.iceberg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.core.error.PipelineException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class CommittableSerializerTest {

  @Test
  void readsBackWhatItWrites() {
    PendingManifest manifest =
        new PendingManifest(
            "s3://bucket/wh/db/t/metadata/lakestream-pending-p-1-0-ü.avro",
            1L << 40,
            3,
            9_999_999_999L,
            17);

    assertThat(CommittableSerializer.deserialize(CommittableSerializer.serialize(manifest)))
        .isEqualTo(manifest);
  }

  @Test
  void writesTheCurrentVersionFirst() {
    byte[] bytes = CommittableSerializer.serialize(new PendingManifest("m.avro", 1, 0, 1, 1));

    assertThat(ByteBuffer.wrap(bytes).getInt()).isEqualTo(CommittableSerializer.VERSION);
  }

  @Test
  void readsAVersion1CommittableFromAnOldCheckpoint() throws Exception {
    byte[] bytes;
    try (InputStream in = getClass().getResourceAsStream("/committable-v1.bin")) {
      bytes = in.readAllBytes();
    }

    assertThat(CommittableSerializer.deserialize(bytes))
        .isEqualTo(
            new PendingManifest(
                "file:/warehouse/analytics/orders/metadata/"
                    + "lakestream-pending-orders-to-lake-7-0-00000000-0000-0000-0000-000000000001.avro",
                6789,
                2,
                1234,
                3));
  }

  @Test
  void refusesAVersionFromANewerLakestream() {
    byte[] bytes = CommittableSerializer.serialize(new PendingManifest("m.avro", 1, 0, 1, 1));
    bytes[3] = 2;

    assertThatThrownBy(() -> CommittableSerializer.deserialize(bytes))
        .isInstanceOf(PipelineException.class)
        .hasMessage(
            "Cannot read an Iceberg committable of version 2; this lakestream reads versions up to"
                + " 1. Recover the pipeline with the lakestream version that wrote the checkpoint.");
  }

  @Test
  void refusesDamagedBytes() {
    byte[] bytes = CommittableSerializer.serialize(new PendingManifest("m.avro", 1, 0, 1, 1));

    assertThatThrownBy(
            () -> CommittableSerializer.deserialize(Arrays.copyOf(bytes, bytes.length - 2)))
        .isInstanceOf(PipelineException.class)
        .hasMessage(
            "Cannot read an Iceberg committable (" + (bytes.length - 2) + " bytes): it is damaged");
  }
}
