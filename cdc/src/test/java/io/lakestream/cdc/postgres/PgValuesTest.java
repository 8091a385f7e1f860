package io.lakestream.cdc.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.core.error.RecordException;
import io.lakestream.core.record.DataType;
import io.lakestream.core.record.DataType.Decimal;
import io.lakestream.core.record.DataType.Primitive;
import io.lakestream.core.record.Field;
import io.lakestream.core.record.Schema;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PgValuesTest {
  private static final DateTimeFormatter ISO_DATE_TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss");

  private static long micros(Instant t) {
    // ChronoUnit.MICROS.between overflows past about 292 years from the epoch: it counts nanos
    return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000);
  }

  private static long utcMicros(LocalDateTime t) {
    return micros(t.toInstant(ZoneOffset.UTC));
  }

  private static ByteBuffer bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return ByteBuffer.wrap(b);
  }

  /** PostgreSQL's ISO output for a timestamp: fraction without trailing zeros, none if zero. */
  private static String postgresText(LocalDateTime t) {
    String text = t.format(ISO_DATE_TIME);
    int fractionMicros = t.getNano() / 1000;
    if (fractionMicros != 0) {
      String fraction = String.format("%06d", fractionMicros);
      int end = fraction.length();
      while (fraction.charAt(end - 1) == '0') {
        end--;
      }
      text += "." + fraction.substring(0, end);
    }
    return text;
  }

  /** PostgreSQL's ISO output for an offset: +HH, then :MM and :SS only when needed. */
  private static String postgresText(ZoneOffset offset) {
    int total = offset.getTotalSeconds();
    int abs = Math.abs(total);
    String text = String.format("%s%02d", total < 0 ? "-" : "+", abs / 3600);
    if (abs % 3600 != 0) {
      text += String.format(":%02d", abs / 60 % 60);
      if (abs % 60 != 0) {
        text += String.format(":%02d", abs % 60);
      }
    }
    return text;
  }

  @Test
  void nullTextIsNull() {
    assertThat(PgValues.parse(null, PgTypes.INT4, Primitive.INT)).isNull();
  }

  @Test
  void parsesBooleans() {
    assertThat(PgValues.parse("t", PgTypes.BOOL, Primitive.BOOLEAN)).isEqualTo(true);
    assertThat(PgValues.parse("f", PgTypes.BOOL, Primitive.BOOLEAN)).isEqualTo(false);
    assertThat(PgValues.parse("true", PgTypes.BOOL, Primitive.BOOLEAN)).isEqualTo(true);
    assertThat(PgValues.parse("false", PgTypes.BOOL, Primitive.BOOLEAN)).isEqualTo(false);
    assertThatThrownBy(() -> PgValues.parse("yes", PgTypes.BOOL, Primitive.BOOLEAN))
        .isInstanceOf(RecordException.class)
        .hasMessage("Not a PostgreSQL bool value, expected a boolean (t, f, true or false): 'yes'");
  }

  @Test
  void parsesIntegersOfEveryWidth() {
    assertThat(PgValues.parse("-32768", PgTypes.INT2, Primitive.INT)).isEqualTo(-32768);
    assertThat(PgValues.parse("2147483647", PgTypes.INT4, Primitive.INT))
        .isEqualTo(Integer.MAX_VALUE);
    assertThat(PgValues.parse("-2147483648", PgTypes.INT4, Primitive.INT))
        .isEqualTo(Integer.MIN_VALUE);
    assertThat(PgValues.parse("9223372036854775807", PgTypes.INT8, Primitive.LONG))
        .isEqualTo(Long.MAX_VALUE);
    assertThat(PgValues.parse("-9223372036854775808", PgTypes.INT8, Primitive.LONG))
        .isEqualTo(Long.MIN_VALUE);
    assertThat(PgValues.parse("0", PgTypes.INT8, Primitive.LONG)).isEqualTo(0L);
  }

  @Test
  void rejectsMalformedIntegers() {
    assertThatThrownBy(() -> PgValues.parse("2147483648", PgTypes.INT8, Primitive.INT))
        .isInstanceOf(RecordException.class)
        .hasMessage("Not a PostgreSQL int8 value, expected a 32-bit integer: '2147483648'");
    assertThatThrownBy(() -> PgValues.parse("1.5", PgTypes.INT8, Primitive.LONG))
        .isInstanceOf(RecordException.class)
        .hasMessage("Not a PostgreSQL int8 value, expected a 64-bit integer: '1.5'");
  }

  @Test
  void parsesFloatsKeepingNanAndInfinities() {
    assertThat(PgValues.parse("3.14", PgTypes.FLOAT4, Primitive.FLOAT)).isEqualTo(3.14f);
    assertThat(PgValues.parse("1.17549435e-38", PgTypes.FLOAT4, Primitive.FLOAT))
        .isEqualTo(Float.MIN_NORMAL);
    assertThat(PgValues.parse("-Infinity", PgTypes.FLOAT4, Primitive.FLOAT))
        .isEqualTo(Float.NEGATIVE_INFINITY);
    assertThat(PgValues.parse("1e+300", PgTypes.FLOAT8, Primitive.DOUBLE)).isEqualTo(1e300);
    assertThat(PgValues.parse("0.30000000000000004", PgTypes.FLOAT8, Primitive.DOUBLE))
        .isEqualTo(0.1 + 0.2);
    assertThat(PgValues.parse("Infinity", PgTypes.FLOAT8, Primitive.DOUBLE))
        .isEqualTo(Double.POSITIVE_INFINITY);
    assertThat((Double) PgValues.parse("NaN", PgTypes.FLOAT8, Primitive.DOUBLE)).isNaN();
    assertThatThrownBy(() -> PgValues.parse("abc", PgTypes.FLOAT8, Primitive.DOUBLE))
        .isInstanceOf(RecordException.class)
        .hasMessage("Not a PostgreSQL float8 value, expected a floating point number: 'abc'");
  }

  @ParameterizedTest(name = "{0} as decimal({1},{2}) = {3}")
  @CsvSource({
    "12.50, 10, 2, 12.50",
    "12.5, 10, 2, 12.50",
    "12, 10, 2, 12.00",
    "12.500, 10, 2, 12.50",
    "-0.01, 10, 2, -0.01",
    "0, 1, 0, 0",
    "99999999.99, 10, 2, 99999999.99",
    "-99999999.99, 10, 2, -99999999.99",
    "0.5, 2, 2, 0.50",
    "999999999999999999, 18, 0, 999999999999999999",
    "12000, 5, 0, 12000",
    "0.00123, 5, 5, 0.00123",
    "1234567890123456789012345678.0123456789, 38, 10, 1234567890123456789012345678.0123456789",
    "-1234567890123456789012345678.0123456789, 38, 10, -1234567890123456789012345678.0123456789",
    "0.33333333330000000000, 38, 10, 0.3333333333",
    "5, 38, 10, 5.0000000000",
  })
  void parsesDecimalsToTheDeclaredScale(String text, int precision, int scale, String expected) {
    Object value = PgValues.parse(text, PgTypes.NUMERIC, new Decimal(precision, scale));

    assertThat(value).isEqualTo(new BigDecimal(expected));
    assertThat(((BigDecimal) value).scale()).isEqualTo(scale);
  }

  @Test
  void refusesToRoundDecimals() {
    assertThatThrownBy(() -> PgValues.parse("12.501", PgTypes.NUMERIC, new Decimal(10, 2)))
        .isInstanceOf(RecordException.class)
        .hasMessage(
            "Numeric value 12.501 has more digits after the point than decimal(10,2) holds;"
                + " it would have to be rounded");
    // 1/3 in an unconstrained numeric column: 20 digits after the point
    assertThatThrownBy(
            () ->
                PgValues.parse(
                    "0.33333333333333333333", PgTypes.NUMERIC, PgTypes.UNCONSTRAINED_NUMERIC))
        .isInstanceOf(RecordException.class)
        .hasMessage(
            "Numeric value 0.33333333333333333333 has more digits after the point than"
                + " decimal(38,10) holds; it would have to be rounded");
  }

  @Test
  void rejectsDecimalsThatDoNotFit() {
    assertThatThrownBy(() -> PgValues.parse("100000000.00", PgTypes.NUMERIC, new Decimal(10, 2)))
        .isInstanceOf(RecordException.class)
        .hasMessage("Numeric value 100000000.00 does not fit decimal(10,2)");
    assertThatThrownBy(
            () ->
                PgValues.parse(
                    "12345678901234567890123456789", PgTypes.NUMERIC, new Decimal(38, 10)))
        .isInstanceOf(RecordException.class)
        .hasMessage("Numeric value 12345678901234567890123456789 does not fit decimal(38,10)");
  }

  @ParameterizedTest
  @ValueSource(strings = {"NaN", "Infinity", "-Infinity"})
  void rejectsNumericNanAndInfinities(String text) {
    assertThatThrownBy(() -> PgValues.parse(text, PgTypes.NUMERIC, PgTypes.UNCONSTRAINED_NUMERIC))
        .isInstanceOf(RecordException.class)
        .hasMessage(
            "PostgreSQL numeric value "
                + text
                + " has no decimal(38,10) representation; replace it at the source or keep it"
                + " out of the publication");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "-", ".", "1.2.3", "1e", "12a"})
  void rejectsMalformedDecimals(String text) {
    assertThatThrownBy(() -> PgValues.parse(text, PgTypes.NUMERIC, new Decimal(10, 2)))
        .isInstanceOf(RecordException.class)
        .hasMessage("Not a PostgreSQL numeric value, expected a number: '" + text + "'");
  }

  @Test
  void decimalsMatchAnExactReferenceOnRandomValues() {
    Random random = new Random(42);
    for (int n = 0; n < 20_000; n++) {
      int precision = 1 + random.nextInt(38);
      int scale = random.nextInt(precision + 1);
      Decimal type = new Decimal(precision, scale);
      BigDecimal source =
          new BigDecimal(new BigInteger(1 + random.nextInt(130), random), random.nextInt(25));
      if (random.nextBoolean()) {
        source = source.negate();
      }
      String text = source.toPlainString();

      BigDecimal expected;
      try {
        expected = source.setScale(scale, RoundingMode.UNNECESSARY);
      } catch (ArithmeticException e) {
        expected = null;
      }
      if (expected != null && expected.precision() > precision) {
        expected = null;
      }

      if (expected == null) {
        assertThatThrownBy(() -> PgValues.parse(text, PgTypes.NUMERIC, type))
            .as("%s as %s", text, type)
            .isInstanceOf(RecordException.class);
      } else {
        assertThat(PgValues.parse(text, PgTypes.NUMERIC, type))
            .as("%s as %s", text, type)
            .isEqualTo(expected);
      }
    }
  }

  @Test
  void parsesByteaInHexFormat() {
    assertThat(PgValues.parse("\\x0102ff7F", PgTypes.BYTEA, Primitive.BINARY))
        .isEqualTo(bytes(1, 2, 0xff, 0x7f));
    assertThat(PgValues.parse("\\x", PgTypes.BYTEA, Primitive.BINARY)).isEqualTo(bytes());
  }

  @Test
  void parsesByteaInEscapeFormat() {
    // what PostgreSQL prints for '\x00015c41ff'::bytea with bytea_output = escape
    ByteBuffer value =
        (ByteBuffer) PgValues.parse("\\000\\001\\\\A\\377", PgTypes.BYTEA, Primitive.BINARY);

    assertThat(value).isEqualTo(bytes(0, 1, '\\', 'A', 0xff));
    assertThat(value.array()).hasSize(5);
    assertThat(PgValues.parse("ab\\\\", PgTypes.BYTEA, Primitive.BINARY))
        .isEqualTo(bytes('a', 'b', '\\'));
  }

  @ParameterizedTest
  @ValueSource(strings = {"\\x0", "\\x0g", "\\9", "\\12", "\\400"})
  void rejectsMalformedBytea(String text) {
    assertThatThrownBy(() -> PgValues.parse(text, PgTypes.BYTEA, Primitive.BINARY))
        .isInstanceOf(RecordException.class)
        .hasMessageStartingWith("Not a PostgreSQL bytea value, expected ");
  }

  @Test
  void parsesDatesAsDaysSinceTheEpoch() {
    assertThat(PgValues.parse("2024-05-01", PgTypes.DATE, Primitive.DATE))
        .isEqualTo((int) LocalDate.of(2024, 5, 1).toEpochDay());
    assertThat(PgValues.parse("1970-01-01", PgTypes.DATE, Primitive.DATE)).isEqualTo(0);
    assertThat(PgValues.parse("1969-12-31", PgTypes.DATE, Primitive.DATE)).isEqualTo(-1);
    assertThat(PgValues.parse("2000-02-29", PgTypes.DATE, Primitive.DATE))
        .isEqualTo((int) LocalDate.of(2000, 2, 29).toEpochDay());
    assertThat(PgValues.parse("0099-01-01", PgTypes.DATE, Primitive.DATE))
        .isEqualTo((int) LocalDate.of(99, 1, 1).toEpochDay());
    assertThat(PgValues.parse("5874897-12-31", PgTypes.DATE, Primitive.DATE))
        .isEqualTo((int) LocalDate.of(5_874_897, 12, 31).toEpochDay());
  }

  @Test
  void readsBcAsTheProlepticYearBeforeOne() {
    // PostgreSQL and java.time both count proleptic Gregorian years; 1 BC is year 0
    assertThat(PgValues.parse("0044-03-15 BC", PgTypes.DATE, Primitive.DATE))
        .isEqualTo((int) LocalDate.of(-43, 3, 15).toEpochDay());
    assertThat(PgValues.parse("0001-01-01 12:00:00 BC", PgTypes.TIMESTAMP, Primitive.TIMESTAMP))
        .isEqualTo(utcMicros(LocalDateTime.of(0, 1, 1, 12, 0)));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "2024-5-1",
        "2024-02-30",
        "2024-13-01",
        "24-05-01",
        "01/05/2024",
        "2024-05-01 AD",
        "2024-05-01x"
      })
  void rejectsMalformedDates(String text) {
    assertThatThrownBy(() -> PgValues.parse(text, PgTypes.DATE, Primitive.DATE))
        .isInstanceOf(RecordException.class)
        .hasMessage(
            "Not a PostgreSQL date value, expected YYYY-MM-DD (DateStyle ISO): '" + text + "'");
  }

  @Test
  void rejectsInfiniteDatesAndTimestamps() {
    assertThatThrownBy(() -> PgValues.parse("infinity", PgTypes.DATE, Primitive.DATE))
        .isInstanceOf(RecordException.class)
        .hasMessage(
            "PostgreSQL date 'infinity' has no representation as a lakestream date; replace"
                + " infinite values at the source or keep the column out of the publication");
    assertThatThrownBy(() -> PgValues.parse("-infinity", PgTypes.TIMESTAMPTZ, Primitive.TIMESTAMP))
        .isInstanceOf(RecordException.class)
        .hasMessage(
            "PostgreSQL timestamptz '-infinity' has no representation as a lakestream timestamp;"
                + " replace infinite values at the source or keep the column out of the"
                + " publication");
    assertThatThrownBy(() -> PgValues.parse("infinity", PgTypes.TIMESTAMP, Primitive.TIMESTAMP))
        .isInstanceOf(RecordException.class)
        .hasMessageStartingWith("PostgreSQL timestamp 'infinity' has no representation");
  }

  @Test
  void parsesTimestampsWithoutZoneAsUtc() {
    assertThat(PgValues.parse("2024-05-01 12:34:56.123456", PgTypes.TIMESTAMP, Primitive.TIMESTAMP))
        .isEqualTo(utcMicros(LocalDateTime.of(2024, 5, 1, 12, 34, 56, 123_456_000)));
    assertThat(PgValues.parse("1970-01-01 00:00:00", PgTypes.TIMESTAMP, Primitive.TIMESTAMP))
        .isEqualTo(0L);
    assertThat(PgValues.parse("1969-12-31 23:59:59.999999", PgTypes.TIMESTAMP, Primitive.TIMESTAMP))
        .isEqualTo(-1L);
    assertThat(PgValues.parse("10000-01-01 00:00:00", PgTypes.TIMESTAMP, Primitive.TIMESTAMP))
        .isEqualTo(utcMicros(LocalDateTime.of(10_000, 1, 1, 0, 0)));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "2024-05-01 12:34:56.1, 100000",
    "2024-05-01 12:34:56.12, 120000",
    "2024-05-01 12:34:56.123, 123000",
    "2024-05-01 12:34:56.1234, 123400",
    "2024-05-01 12:34:56.12345, 123450",
    "2024-05-01 12:34:56.123456, 123456",
    "2024-05-01 12:34:56.000001, 1",
    "2024-05-01 12:34:56, 0",
  })
  void keepsMicrosecondPrecision(String text, int fractionMicros) {
    long expected = utcMicros(LocalDateTime.of(2024, 5, 1, 12, 34, 56, fractionMicros * 1000));

    assertThat(PgValues.parse(text, PgTypes.TIMESTAMP, Primitive.TIMESTAMP)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "2024-05-01 12:34:56.123456+02, 2024-05-01T10:34:56.123456Z",
    "2024-05-01 12:34:56.123456-07, 2024-05-01T19:34:56.123456Z",
    "2024-05-01 18:04:56.123456+05:30, 2024-05-01T12:34:56.123456Z",
    "2024-01-01 08:30:00-03:30, 2024-01-01T12:00:00Z",
    "2024-05-01 12:34:56+00, 2024-05-01T12:34:56Z",
    // Europe/Amsterdam before 1909: local mean time, an offset with seconds
    "1900-01-01 00:19:32+00:19:32, 1900-01-01T00:00:00Z",
    "0001-01-01 00:19:32+00:19:32 BC, 0000-01-01T00:00:00Z",
  })
  void appliesTheZoneOffsetOfTimestamptz(String text, String instant) {
    assertThat(PgValues.parse(text, PgTypes.TIMESTAMPTZ, Primitive.TIMESTAMP))
        .isEqualTo(micros(Instant.parse(instant)));
  }

  @Test
  void timestampsMatchJavaTimeOnRandomValues() {
    Random random = new Random(7);
    long min = LocalDateTime.of(1, 1, 1, 0, 0).toEpochSecond(ZoneOffset.UTC);
    long max = LocalDateTime.of(9999, 12, 31, 0, 0).toEpochSecond(ZoneOffset.UTC);
    for (int n = 0; n < 20_000; n++) {
      long second = min + (long) (random.nextDouble() * (max - min));
      int micro = random.nextInt(4) == 0 ? 0 : random.nextInt(1_000_000);
      LocalDateTime local = LocalDateTime.ofEpochSecond(second, micro * 1000, ZoneOffset.UTC);
      int offsetSeconds =
          switch (random.nextInt(3)) {
            case 0 -> (random.nextInt(31) - 15) * 3600;
            case 1 -> (random.nextInt(31) - 15) * 3600 + (random.nextInt(4) * 15 * 60);
            default -> random.nextInt(2 * 15 * 3600) - 15 * 3600;
          };
      ZoneOffset offset = ZoneOffset.ofTotalSeconds(offsetSeconds);
      String withoutZone = postgresText(local);
      String withZone = withoutZone + postgresText(offset);

      assertThat(PgValues.parse(withoutZone, PgTypes.TIMESTAMP, Primitive.TIMESTAMP))
          .as(withoutZone)
          .isEqualTo(utcMicros(local));
      assertThat(PgValues.parse(withZone, PgTypes.TIMESTAMPTZ, Primitive.TIMESTAMP))
          .as(withZone)
          .isEqualTo(micros(local.toInstant(offset)));
    }
  }

  @Test
  void rejectsTimestampsBeyondTheRangeOfMicrosecondsSinceTheEpoch() {
    // PostgreSQL's largest timestamp is representable from its 2000 epoch, not from 1970
    assertThatThrownBy(
            () ->
                PgValues.parse(
                    "294276-12-31 23:59:59.999999", PgTypes.TIMESTAMP, Primitive.TIMESTAMP))
        .isInstanceOf(RecordException.class)
        .hasMessage("PostgreSQL timestamp '294276-12-31 23:59:59.999999' is out of range");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "2024-05-01T12:34:56",
        "2024-05-01 12:34",
        "2024-05-01 24:00:00",
        "2024-05-01 12:60:00",
        "2024-05-01 12:34:56.",
        "2024-05-01 12:34:56.1234567",
        "2024-05-01 12:34:56+",
        "2024-05-01 12:34:56+2",
        "2024-05-01 12:34:56 CEST",
        "2024-05-01",
        "05/01/2024 12:34:56.123456 CEST",
      })
  void rejectsMalformedTimestamps(String text) {
    assertThatThrownBy(() -> PgValues.parse(text, PgTypes.TIMESTAMPTZ, Primitive.TIMESTAMP))
        .isInstanceOf(RecordException.class)
        .hasMessage(
            "Not a PostgreSQL timestamptz value, expected YYYY-MM-DD HH:MM:SS[.ffffff][+HH[:MM]]"
                + " (DateStyle ISO): '"
                + text
                + "'");
  }

  @Test
  void keepsTheTextOfStringColumns() {
    String[][] cases = {
      {"12:00:00.5", "1083"},
      {"12:00:00+05:30", "1266"},
      {"1 year 2 mons 3 days 04:05:06.7", "1186"},
      {"{1,2}", "1007"},
      {"{\"a b\",NULL}", "1009"},
      {"{\"k\": [1, 2]}", "3802"},
      {"ab  ", "1042"},
      {"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "2950"},
    };
    for (String[] c : cases) {
      int oid = Integer.parseInt(c[1]);
      DataType type = PgTypes.dataType(oid, -1);

      assertThat(PgValues.parse(c[0], oid, type)).isSameAs(c[0]);
    }
  }

  @Test
  void numericsWiderThanAnyDecimalStayExactText() {
    String text = "1234567890123456789012345678901234567890.5";
    int numeric50x1 = ((50 << 16) | 1) + 4;
    DataType type = PgTypes.dataType(PgTypes.NUMERIC, numeric50x1);

    assertThat(PgValues.parse(text, PgTypes.NUMERIC, type)).isEqualTo(text);
  }

  @Test
  void refusesNestedTypes() {
    DataType list = new DataType.ListOf(Primitive.INT, false);
    DataType struct = new DataType.Struct(new Schema(List.of(Field.optional("a", Primitive.INT))));

    assertThatThrownBy(() -> PgValues.parse("{1,2}", 1007, list))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("PostgreSQL type OID 1007 values cannot be read as list<INT>");
    assertThatThrownBy(() -> PgValues.parse("(1)", 16_400, struct))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("PostgreSQL type OID 16400 values cannot be read as struct");
  }
}
