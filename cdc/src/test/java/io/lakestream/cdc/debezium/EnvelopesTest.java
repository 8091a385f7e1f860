package io.lakestream.cdc.debezium;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EnvelopesTest {

  @Test
  void takesThePostgresLsnAsItIs() {
    assertThat(Envelopes.position(24_023_128L, null, -1)).isEqualTo(24_023_128L);
  }

  @Test
  void ordersMySqlPositionsByFileThenPosition() {
    long a = Envelopes.position(-1, "mysql-bin.000003", 154);
    long b = Envelopes.position(-1, "mysql-bin.000003", 484);
    long c = Envelopes.position(-1, "mysql-bin.000004", 4);

    assertThat(a).isEqualTo((3L << 32) + 154);
    assertThat(a).isLessThan(b);
    assertThat(b).isLessThan(c);
  }

  @Test
  void givesMinusOneForPositionsItCannotRead() {
    assertThat(Envelopes.position(-1, null, -1)).isEqualTo(-1);
    assertThat(Envelopes.position(-1, "mysql-bin", 4)).isEqualTo(-1);
    assertThat(Envelopes.position(-1, "mysql-bin.0000x3", 4)).isEqualTo(-1);
    assertThat(Envelopes.position(-1, "mysql-bin.000003", 1L << 32)).isEqualTo(-1);
    assertThat(Envelopes.position(-1, "mysql-bin.000003", -1)).isEqualTo(-1);
  }
}
