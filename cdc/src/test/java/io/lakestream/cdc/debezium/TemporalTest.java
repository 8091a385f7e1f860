package io.lakestream.cdc.debezium;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TemporalTest {

  /** Microseconds of an instant, truncated as the row model requires, computed with java.time. */
  private static long micros(Instant i) {
    return ChronoUnit.MICROS.between(Instant.EPOCH, i.truncatedTo(ChronoUnit.MICROS));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "2018-06-20T13:37:03Z",
        "2018-06-20T13:37:03.1Z",
        "2018-06-20T13:37:03.123456Z",
        "2018-06-20T13:37:03.123456789Z",
        "2018-06-20T15:37:03.5+02:00",
        "2018-06-20T08:07:03.25-05:30",
        "1969-12-31T23:59:59.999999Z",
        "1900-01-01T00:00:00Z",
        "2024-02-29T12:00:00+14:00"
      })
  void parsesTimestampsWithAnOffsetLikeJavaTime(String text) {
    assertThat(Temporal.parseTimestamp(text))
        .isEqualTo(micros(OffsetDateTime.parse(text).toInstant()));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"2018-06-20T13:37:03", "2018-06-20T13:37:03.000042", "1960-02-29T00:00:00.5"})
  void parsesTimestampsWithoutAnOffsetAsUtc(String text) {
    assertThat(Temporal.parseTimestamp(text))
        .isEqualTo(micros(LocalDateTime.parse(text).toInstant(ZoneOffset.UTC)));
  }

  @Test
  void parsesRarerSpellingsThroughJavaTime() {
    assertThat(Temporal.parseTimestamp("2018-06-20 13:37:03.5"))
        .isEqualTo(micros(Instant.parse("2018-06-20T13:37:03.500Z")));
    assertThat(Temporal.parseTimestamp("2018-06-20T15:37:03+0200"))
        .isEqualTo(micros(Instant.parse("2018-06-20T13:37:03Z")));
    assertThat(Temporal.parseTimestamp("2018-06-20T15:37:03+02:00[Europe/Paris]"))
        .isEqualTo(
            micros(ZonedDateTime.parse("2018-06-20T15:37:03+02:00[Europe/Paris]").toInstant()));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", "yesterday", "2018-02-30T00:00:00Z", "2018-06-20T24:00:00Z", "2018-06-20"})
  void rejectsWhatIsNoTimestamp(String text) {
    assertThatThrownBy(() -> Temporal.parseTimestamp(text)).isInstanceOf(DateTimeException.class);
  }

  @Test
  void parsesDatesWithAndWithoutOffset() {
    assertThat(Temporal.parseDate("2018-06-20"))
        .isEqualTo((int) LocalDate.of(2018, 6, 20).toEpochDay());
    assertThat(Temporal.parseDate("1969-12-31Z")).isEqualTo(-1);
    assertThatThrownBy(() -> Temporal.parseDate("2018-13-01"))
        .isInstanceOf(DateTimeException.class);
  }

  @Test
  void convertsUnitsToMicros() {
    assertThat(Temporal.Unit.SECONDS.toMicros(2)).isEqualTo(2_000_000L);
    assertThat(Temporal.Unit.MILLIS.toMicros(-3)).isEqualTo(-3_000L);
    assertThat(Temporal.Unit.NANOS.toMicros(-1)).isEqualTo(-1L);
    assertThat(Temporal.Unit.NANOS.toMicros(1_999)).isEqualTo(1L);
    assertThat(Temporal.Unit.DAYS.toMicros(1)).isEqualTo(86_400_000_000L);
    assertThatThrownBy(() -> Temporal.Unit.MILLIS.toMicros(Long.MAX_VALUE / 10))
        .isInstanceOf(ArithmeticException.class);
  }
}
