package io.lakestream.iceberg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.core.error.PipelineException;
import io.lakestream.iceberg.PendingManifest.Content;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommittableSerializerTest {
  private static final String V2_PREFIX =
      "file:/warehouse/analytics/user_state/metadata/lakestream-pending-users-to-lake-9-1-";

  /**
   * The committable in {@code committable-v2.bin}, which was written byte by byte (by a script, not
   * by the serializer) following the layout in {@link CommittableSerializer}'s javadoc.
   */
  private static final List<PendingManifest> V2_FIXTURE =
      List.of(
          new PendingManifest(
              Content.DATA,
              V2_PREFIX + "data-00000000-0000-0000-0000-000000000002.avro",
              7001,
              1,
              500,
              2),
          new PendingManifest(
              Content.DELETES,
              V2_PREFIX + "deletes-00000000-0000-0000-0000-000000000003.avro",
              5120,
              1,
              42,
              3));

  private static byte[] resource(String name) throws Exception {
    try (InputStream in = CommittableSerializerTest.class.getResourceAsStream(name)) {
      return in.readAllBytes();
    }
  }

  private static List<PendingManifest> one() {
    return List.of(new PendingManifest(Content.DATA, "m.avro", 1, 0, 1, 1));
  }

  @Test
  void readsBackWhatItWrites() {
    List<PendingManifest> manifests =
        List.of(
            new PendingManifest(
                Content.DATA,
                "s3://bucket/wh/db/t/metadata/lakestream-pending-p-1-0-ü.avro",
                1L << 40,
                3,
                9_999_999_999L,
                17),
            new PendingManifest(
                Content.DELETES,
                "s3://bucket/wh/db/t/metadata/lakestream-pending-p-1-0-deletes.avro",
                12_345,
                3,
                77,
                4));

    assertThat(CommittableSerializer.deserialize(CommittableSerializer.serialize(manifests)))
        .isEqualTo(manifests);
    assertThat(CommittableSerializer.deserialize(CommittableSerializer.serialize(List.of())))
        .isEmpty();
  }

  @Test
  void writesTheCurrentVersionFirst() {
    byte[] bytes = CommittableSerializer.serialize(one());

    assertThat(ByteBuffer.wrap(bytes).getInt()).isEqualTo(CommittableSerializer.VERSION);
  }

  @Test
  void readsAVersion1CommittableFromAnOldCheckpoint() throws Exception {
    assertThat(CommittableSerializer.deserialize(resource("/committable-v1.bin")))
        .containsExactly(
            new PendingManifest(
                Content.DATA,
                "file:/warehouse/analytics/orders/metadata/"
                    + "lakestream-pending-orders-to-lake-7-0-00000000-0000-0000-0000-000000000001.avro",
                6789,
                2,
                1234,
                3));
  }

  @Test
  void readsAVersion2CommittableWithDataAndDeleteManifests() throws Exception {
    assertThat(CommittableSerializer.deserialize(resource("/committable-v2.bin")))
        .isEqualTo(V2_FIXTURE);
  }

  /**
   * Version 4 is version 2's layout with its own number, a trailing schema flag (version 3) and the
   * committed files position deletes refer to: none, so a count of 0 and the oldest checkpoint
   * {@code Long.MAX_VALUE}.
   */
  @Test
  void writesVersion4InTheDocumentedLayout() throws Exception {
    byte[] v2 = resource("/committable-v2.bin");
    ByteBuffer expected = ByteBuffer.allocate(v2.length + 1 + 4 + 8 + 8);
    expected.put(v2).put((byte) 0).putInt(0).putLong(Long.MAX_VALUE).putLong(-1);
    expected.put(3, (byte) 4);
    assertThat(CommittableSerializer.serialize(V2_FIXTURE)).isEqualTo(expected.array());
    assertThat(CommittableSerializer.schemaJson(expected.array())).isNull();
    assertThat(CommittableSerializer.refs(expected.array()).isEmpty()).isTrue();
  }

  @Test
  void carriesTheCommittedFilesPositionDeletesReferTo() {
    CommittedFileRefs refs =
        new CommittedFileRefs(7, 1234567L, java.util.Set.of("s3://b/t/data/a.parquet"));
    List<PendingManifest> manifests =
        List.of(
            new PendingManifest(Content.FALLBACK_DELETES, "s3://b/t/metadata/f.avro", 10, 0, 3, 1));
    byte[] bytes = CommittableSerializer.serialize(manifests, null, refs);

    assertThat(CommittableSerializer.deserialize(bytes)).isEqualTo(manifests);
    assertThat(CommittableSerializer.refs(bytes)).isEqualTo(refs);
  }

  @Test
  void carriesAnEvolvedSchema() throws Exception {
    byte[] bytes = CommittableSerializer.serialize(V2_FIXTURE, "{\"type\":\"struct\"}");

    assertThat(CommittableSerializer.deserialize(bytes)).isEqualTo(V2_FIXTURE);
    assertThat(CommittableSerializer.schemaJson(bytes)).isEqualTo("{\"type\":\"struct\"}");
    assertThat(CommittableSerializer.schemaJson(resource("/committable-v2.bin"))).isNull();
  }

  @Test
  void refusesAVersionFromANewerLakestream() {
    byte[] bytes = CommittableSerializer.serialize(one());
    bytes[3] = 5;

    assertThatThrownBy(() -> CommittableSerializer.deserialize(bytes))
        .isInstanceOf(PipelineException.class)
        .hasMessage(
            "Cannot read an Iceberg committable of version 5; this lakestream reads versions up to"
                + " 4. Recover the pipeline with the lakestream version that wrote the checkpoint.");
  }

  @Test
  void refusesDamagedBytes() {
    byte[] bytes = CommittableSerializer.serialize(one());

    assertThatThrownBy(
            () -> CommittableSerializer.deserialize(Arrays.copyOf(bytes, bytes.length - 2)))
        .isInstanceOf(PipelineException.class)
        .hasMessage(
            "Cannot read an Iceberg committable (" + (bytes.length - 2) + " bytes): it is damaged");
  }

  @Test
  void refusesAnUnknownManifestContent() {
    byte[] bytes = CommittableSerializer.serialize(one());
    bytes[8] = 7;

    assertThatThrownBy(() -> CommittableSerializer.deserialize(bytes))
        .isInstanceOf(PipelineException.class)
        .hasMessage(
            "Cannot read an Iceberg committable (" + bytes.length + " bytes): it is damaged");
  }
}
