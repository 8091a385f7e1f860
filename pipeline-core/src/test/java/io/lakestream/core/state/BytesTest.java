package io.lakestream.core.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class BytesTest {

  @Test
  void equalContentsAreEqualKeys() {
    Bytes a = new Bytes(new byte[] {1, 2, 3});
    Bytes b = new Bytes(new byte[] {1, 2, 3});

    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(a).isNotEqualTo(new Bytes(new byte[] {1, 2}));
    assertThat(a).isNotEqualTo(new Bytes(new byte[] {1, 2, 4}));
  }

  @Test
  void comparesBytesUnsignedAndPrefixesFirst() {
    List<Bytes> sorted =
        List.of(
            new Bytes(new byte[] {}),
            new Bytes(new byte[] {0x00}),
            new Bytes(new byte[] {0x00, 0x00}),
            new Bytes(new byte[] {0x01}),
            new Bytes(new byte[] {0x7f}),
            new Bytes(new byte[] {(byte) 0x80}),
            new Bytes(new byte[] {(byte) 0xff}));
    List<Bytes> shuffled = new ArrayList<>(sorted);
    Collections.reverse(shuffled);

    Collections.sort(shuffled);

    assertThat(shuffled).containsExactlyElementsOf(sorted);
  }

  @Test
  void printsHex() {
    assertThat(new Bytes(new byte[] {0x01, (byte) 0xab})).hasToString("01ab");
  }
}
