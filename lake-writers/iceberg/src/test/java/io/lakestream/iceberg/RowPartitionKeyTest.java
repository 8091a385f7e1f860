package io.lakestream.iceberg;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Random;
import java.util.function.Function;
import org.apache.iceberg.transforms.Transform;
import org.apache.iceberg.transforms.Transforms;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

class RowPartitionKeyTest {
  private static final Type TIMESTAMPTZ = Types.TimestampType.withZone();
  private static final Type DATE = Types.DateType.get();

  @Test
  void timeTransformsOfTimestampsCountUnitsSince1970InUtc() {
    Random r = new Random(1);
    for (int i = 0; i < 20_000; i++) {
      // 1900..2100, both sides of the epoch, microsecond precision
      long micros =
          (long) ((r.nextDouble() * 2 - 1) * 100 * 365.25 * 86_400_000_000L) - r.nextInt(1000);
      LocalDateTime t =
          LocalDateTime.ofInstant(Instant.EPOCH.plus(micros, ChronoUnit.MICROS), ZoneOffset.UTC);
      LocalDateTime epoch = LocalDateTime.of(1970, 1, 1, 0, 0);

      assertThat(apply(Transforms.year(), TIMESTAMPTZ, micros)).isEqualTo(t.getYear() - 1970);
      assertThat(apply(Transforms.month(), TIMESTAMPTZ, micros))
          .isEqualTo(
              (int)
                  ChronoUnit.MONTHS.between(
                      epoch.withDayOfMonth(1), t.withDayOfMonth(1).toLocalDate().atStartOfDay()));
      assertThat(apply(Transforms.day(), TIMESTAMPTZ, micros))
          .isEqualTo((int) t.toLocalDate().toEpochDay());
      assertThat(apply(Transforms.hour(), TIMESTAMPTZ, micros))
          .isEqualTo((int) ChronoUnit.HOURS.between(epoch, t.truncatedTo(ChronoUnit.HOURS)));
    }
  }

  @Test
  void timeTransformsOfDatesCountUnitsSince1970() {
    for (int day = -40_000; day <= 40_000; day += 7) {
      LocalDate d = LocalDate.ofEpochDay(day);

      assertThat(apply(Transforms.year(), DATE, day)).isEqualTo(d.getYear() - 1970);
      assertThat(apply(Transforms.month(), DATE, day))
          .isEqualTo((d.getYear() - 1970) * 12 + d.getMonthValue() - 1);
      assertThat(apply(Transforms.day(), DATE, day)).isEqualTo(day);
    }
  }

  @Test
  void agreesWithIcebergsOwnTransforms() {
    Random r = new Random(2);
    for (int i = 0; i < 5_000; i++) {
      long micros = r.nextLong() % (300L * 365 * 86_400_000_000L);
      int day = (int) (micros / 86_400_000_000L);
      for (Transform<?, ?> t :
          new Transform<?, ?>[] {Transforms.year(), Transforms.month(), Transforms.day()}) {
        assertThat(apply(t, TIMESTAMPTZ, micros)).isEqualTo(iceberg(t, TIMESTAMPTZ, micros));
        assertThat(apply(t, DATE, day)).isEqualTo(iceberg(t, DATE, day));
      }
      assertThat(apply(Transforms.hour(), TIMESTAMPTZ, micros))
          .isEqualTo(iceberg(Transforms.hour(), TIMESTAMPTZ, micros));
      assertThat(apply(Transforms.bucket(16), Types.LongType.get(), micros))
          .isEqualTo(iceberg(Transforms.bucket(16), Types.LongType.get(), micros));
    }
    assertThat(apply(Transforms.truncate(3), Types.StringType.get(), "abcdef")).isEqualTo("abc");
    assertThat(apply(Transforms.identity(), Types.StringType.get(), "x")).isEqualTo("x");
  }

  private static Object apply(Transform<?, ?> transform, Type type, Object value) {
    return RowPartitionKey.function(transform, type).apply(value);
  }

  @SuppressWarnings("unchecked")
  private static Object iceberg(Transform<?, ?> transform, Type type, Object value) {
    return ((Function<Object, Object>) ((Transform<Object, Object>) transform).bind(type))
        .apply(value);
  }
}
