package io.lakestream.hudi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import org.junit.jupiter.api.Test;

class CommittableSerializerTest {

  @Test
  void roundTripsAStagedFile() {
    CommittableSerializer.StagedFile file =
        new CommittableSerializer.StagedFile("file:/t/.hoodie/lakestream/staging/x/y/z.avro", 7);

    assertThat(CommittableSerializer.deserialize(CommittableSerializer.serialize(file)))
        .isEqualTo(file);
  }

  @Test
  void readsAVersion1Committable() throws Exception {
    byte[] bytes;
    try (InputStream in = getClass().getResourceAsStream("/committable-v1.bin")) {
      bytes = in.readAllBytes();
    }

    assertThat(CommittableSerializer.deserialize(bytes))
        .isEqualTo(
            new CommittableSerializer.StagedFile(
                "file:/tmp/orders/.hoodie/lakestream/staging/p1/s1/task-0-a.avro", 42));
  }

  @Test
  void refusesAnUnknownVersion() {
    assertThatThrownBy(() -> CommittableSerializer.deserialize(new byte[] {9, 0, 0}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Unknown Hudi committable version 9 (this lakestream reads version 1); was the"
                + " checkpoint written by a newer lakestream?");
  }
}
