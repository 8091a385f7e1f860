package io.lakestream.core.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class UnitsTest {

  @ParameterizedTest
  @CsvSource({
    "500ms, 500",
    "10s, 10000",
    "5m, 300000",
    "1h, 3600000",
    "1d, 86400000",
    "0s, 0",
    "' 10 S ', 10000",
    "PT10S, 10000",
    "pt1.5s, 1500",
    "P1D, 86400000"
  })
  void parsesDurations(String text, long millis) {
    assertThat(Units.parseDuration(text)).isEqualTo(Duration.ofMillis(millis));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "10", "s", "10x", "-5s", "1.5s", "10 seconds", "PT", "P-1D", "ms10"})
  void rejectsWhatIsNotADuration(String text) {
    assertThatThrownBy(() -> Units.parseDuration(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"" + text + "\"");
  }

  @Test
  void explainsTheDurationSyntax() {
    assertThatThrownBy(() -> Units.parseDuration("10x"))
        .hasMessage("Not a duration: \"10x\" (write it like 500ms, 10s, 5m, 1h, 1d or PT10S)");
    assertThatThrownBy(() -> Units.parseDuration("99999999999999999999d"))
        .hasMessage("Duration is too long: \"99999999999999999999d\"");
    assertThatThrownBy(() -> Units.parseDuration("P-1D"))
        .hasMessage("Duration must not be negative: \"P-1D\"");
  }

  @ParameterizedTest
  @CsvSource({
    "500, 500ms",
    "10000, 10s",
    "300000, 5m",
    "3600000, 1h",
    "86400000, 1d",
    "90000, 90s",
    "0, 0s",
    "1001, 1001ms"
  })
  void formatsDurationsInTheLargestExactUnit(long millis, String text) {
    assertThat(Units.formatDuration(Duration.ofMillis(millis))).isEqualTo(text);
    assertThat(Units.parseDuration(text)).isEqualTo(Duration.ofMillis(millis));
  }

  @ParameterizedTest
  @CsvSource({
    "0, 0ms",
    "850, 850ms",
    "1000, 1s",
    "2599, 2.5s",
    "59999, 59.9s",
    "60000, 1m",
    "90400, 1m30s",
    "3605000, 1h0m5s",
    "7200000, 2h",
    "273600000, 3d4h",
    "-1500, -1.5s"
  })
  void formatsElapsedTimeForPeople(long millis, String text) {
    assertThat(Units.formatElapsed(Duration.ofMillis(millis))).isEqualTo(text);
  }

  @ParameterizedTest
  @CsvSource({
    "1048576, 1048576",
    "0, 0",
    "512B, 512",
    "64KB, 65536",
    "128MB, 134217728",
    "1GB, 1073741824",
    "2TB, 2199023255552",
    "' 1 gb ', 1073741824",
    "16MiB, 16777216"
  })
  void parsesByteSizes(String text, long bytes) {
    assertThat(Units.parseByteSize(text)).isEqualTo(bytes);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "MB", "1.5GB", "-1", "12 megabytes", "1PB"})
  void rejectsWhatIsNotAByteSize(String text) {
    assertThatThrownBy(() -> Units.parseByteSize(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Not a byte size: \"" + text + "\" (write it like 1048576, 64KB, 128MB or 1GB)");
  }

  @Test
  void rejectsByteSizesBeyondALong() {
    assertThatThrownBy(() -> Units.parseByteSize("9000000TB"))
        .hasMessage("Byte size is too large: \"9000000TB\"");
  }

  @ParameterizedTest
  @CsvSource({"134217728, 128MB", "65536, 64KB", "1073741824, 1GB", "1000, 1000", "1536, 1536"})
  void formatsByteSizesInTheLargestExactUnit(long bytes, String text) {
    assertThat(Units.formatByteSize(bytes)).isEqualTo(text);
    assertThat(Units.parseByteSize(text)).isEqualTo(bytes);
  }
}
