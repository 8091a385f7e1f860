package io.lakestream.core.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.core.record.DataType;
import io.lakestream.core.record.DataType.Primitive;
import io.lakestream.core.record.Field;
import io.lakestream.core.record.Schema;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ValueCodecTest {
  private static final DataType.Decimal MONEY = new DataType.Decimal(10, 2);
  private static final Schema KEY =
      new Schema(
          List.of(
              Field.optional("region", Primitive.STRING),
              Field.optional("day", Primitive.DATE),
              Field.optional("price", MONEY)));

  private static byte[] write(DataType type, Object value) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ValueCodec.write(new DataOutputStream(bytes), type, value);
    return bytes.toByteArray();
  }

  private static Object read(DataType type, byte[] bytes) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
    Object value = ValueCodec.read(in, type);
    assertThat(in.available()).as("bytes left after reading").isZero();
    return value;
  }

  private static Object roundTrip(DataType type, Object value) throws IOException {
    return read(type, write(type, value));
  }

  @Test
  void roundTripsEveryPrimitiveType() throws IOException {
    Map<Primitive, List<Object>> samples =
        Map.of(
            Primitive.BOOLEAN, List.of(true, false),
            Primitive.INT, List.of(0, -1, 42, Integer.MIN_VALUE, Integer.MAX_VALUE),
            Primitive.LONG, List.of(0L, -1L, 1L << 40, Long.MIN_VALUE, Long.MAX_VALUE),
            Primitive.FLOAT, List.of(0f, -0f, 1.5f, Float.NaN, Float.NEGATIVE_INFINITY),
            Primitive.DOUBLE, List.of(0d, -0d, -2.25, Double.NaN, Double.MAX_VALUE),
            Primitive.STRING, List.of("", "orders", "Grüße, 東京 🚀", "x".repeat(70_000)),
            Primitive.DATE, List.of(0, -719_162, 20_000),
            Primitive.TIMESTAMP, List.of(0L, 1_764_000_000_000_000L, -1L));
    assertThat(samples.keySet()).isEqualTo(EnumSet.complementOf(EnumSet.of(Primitive.BINARY)));

    for (Map.Entry<Primitive, List<Object>> entry : samples.entrySet()) {
      for (Object value : entry.getValue()) {
        assertThat(roundTrip(entry.getKey(), value)).as("%s", entry.getKey()).isEqualTo(value);
      }
    }
  }

  @Test
  void roundTripsTheRemainingBytesOfABinaryWithoutConsumingThem() throws IOException {
    ByteBuffer value = ByteBuffer.wrap(new byte[] {9, 1, 2, (byte) 0xff, 9}, 1, 3);
    ByteBuffer direct = ByteBuffer.allocateDirect(3).put(new byte[] {1, 2, (byte) 0xff}).flip();

    assertThat(roundTrip(Primitive.BINARY, value))
        .isEqualTo(ByteBuffer.wrap(new byte[] {1, 2, (byte) 0xff}));
    assertThat(roundTrip(Primitive.BINARY, direct))
        .isEqualTo(ByteBuffer.wrap(new byte[] {1, 2, (byte) 0xff}));
    assertThat(roundTrip(Primitive.BINARY, ByteBuffer.allocate(0)))
        .isEqualTo(ByteBuffer.allocate(0));
    assertThat(value.position()).isEqualTo(1);
    assertThat(direct.position()).isZero();
  }

  @Test
  void roundTripsNullOfEveryType() throws IOException {
    List<DataType> types = new ArrayList<>(DataType.primitives());
    types.add(MONEY);

    for (DataType type : types) {
      assertThat(write(type, null)).as("%s", type).containsExactly(0);
      assertThat(roundTrip(type, null)).as("%s", type).isNull();
    }
  }

  @Test
  void keepsTheDeclaredScaleOfDecimals() throws IOException {
    DataType.Decimal wide = new DataType.Decimal(38, 10);
    BigDecimal largest = new BigDecimal("9999999999999999999999999999.9999999999");

    for (String text : List.of("0.00", "-12.50", "12345678.91", "-0.01")) {
      Object read = roundTrip(MONEY, new BigDecimal(text));
      assertThat(read).isEqualTo(new BigDecimal(text));
      assertThat(((BigDecimal) read).scale()).isEqualTo(2);
    }
    assertThat(roundTrip(wide, largest)).isEqualTo(largest);
    assertThat(roundTrip(wide, largest.negate())).isEqualTo(largest.negate());
  }

  @Test
  void rescalesDecimalsWrittenWithFewerDigitsAndRejectsMore() throws IOException {
    assertThat(write(MONEY, new BigDecimal("1.5"))).isEqualTo(write(MONEY, new BigDecimal("1.50")));
    assertThat(roundTrip(MONEY, new BigDecimal("1.5"))).isEqualTo(new BigDecimal("1.50"));
    assertThatThrownBy(() -> write(MONEY, new BigDecimal("1.234")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Decimal 1.234 has more digits after the point than decimal(10,2)");
  }

  @Test
  void refusesStructsAndLists() {
    DataType list = new DataType.ListOf(Primitive.STRING, false);
    DataType struct = new DataType.Struct(KEY);

    assertThatThrownBy(() -> write(list, List.of("a")))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessage("ValueCodec encodes primitive and decimal values only, not list<STRING>");
    assertThatThrownBy(() -> read(struct, new byte[] {1}))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessage("ValueCodec encodes primitive and decimal values only, not struct");
  }

  @Test
  void reportsACorruptPresenceByte() {
    assertThatThrownBy(() -> read(Primitive.INT, new byte[] {7, 0, 0, 0, 1}))
        .isInstanceOf(IOException.class)
        .hasMessage("Corrupt value: presence byte must be 0 or 1, got 7");
  }

  @Test
  void encodesEqualKeysToEqualBytesAndDecodesThem() {
    Object[] key = {"eu-west", 20_000, new BigDecimal("9.99")};
    Object[] same = {new String("eu-west".toCharArray()), 20_000, new BigDecimal("9.99")};

    byte[] bytes = ValueCodec.encodeKey(KEY, key);

    assertThat(ValueCodec.encodeKey(KEY, same)).isEqualTo(bytes);
    assertThat(ValueCodec.decodeKey(KEY, bytes)).containsExactly(key);
    assertThat(ValueCodec.decodeKey(KEY, ValueCodec.encodeKey(KEY, new Object[3])))
        .containsExactly(null, null, null);
  }

  @Test
  void encodesDifferentKeysToDifferentBytes() {
    Schema pair =
        new Schema(
            List.of(Field.optional("a", Primitive.STRING), Field.optional("b", Primitive.STRING)));
    List<Object[]> keys =
        List.of(
            new Object[] {"ab", "c"},
            new Object[] {"a", "bc"},
            new Object[] {"", "abc"},
            new Object[] {null, "abc"},
            new Object[] {"abc", null},
            new Object[] {"abc", ""},
            new Object[] {null, null});

    List<Bytes> encoded = keys.stream().map(k -> new Bytes(ValueCodec.encodeKey(pair, k))).toList();

    assertThat(encoded).doesNotHaveDuplicates();
  }

  @Test
  void rejectsKeysThatDoNotFitTheKeySchema() {
    byte[] bytes = ValueCodec.encodeKey(KEY, new Object[] {"eu", 1, null});

    assertThatThrownBy(() -> ValueCodec.encodeKey(KEY, new Object[] {"eu", 1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Key has 2 values but the key schema has 3 fields"
                + " (region string, day date, price decimal(10,2))");
    assertThatThrownBy(() -> ValueCodec.decodeKey(KEY, Arrays.copyOf(bytes, bytes.length - 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Not a key of (region string, day date, price decimal(10,2)), 9 bytes: they end early");
    assertThatThrownBy(() -> ValueCodec.decodeKey(KEY, Arrays.copyOf(bytes, bytes.length + 2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Not a key of (region string, day date, price decimal(10,2)), 12 bytes:"
                + " 2 bytes left over");
  }

  @Test
  void orderedLongsSortAsBytesLikeSignedLongs() {
    Random random = new Random(42);
    List<Long> values =
        new ArrayList<>(List.of(Long.MIN_VALUE, Long.MIN_VALUE + 1, -1L, 0L, 1L, Long.MAX_VALUE));
    for (int i = 0; i < 10_000; i++) {
      values.add(i % 2 == 0 ? random.nextLong() : (long) random.nextInt(2000) - 1000);
    }

    List<Bytes> encoded = new ArrayList<>();
    for (long value : values) {
      byte[] buf = new byte[11];
      ValueCodec.writeLongOrdered(buf, 3, value);
      assertThat(ValueCodec.readLongOrdered(buf, 3)).isEqualTo(value);
      encoded.add(new Bytes(buf));
    }
    encoded.sort(Comparator.naturalOrder());
    values.sort(Comparator.naturalOrder());

    assertThat(encoded.stream().map(b -> ValueCodec.readLongOrdered(b.get(), 3)).toList())
        .containsExactlyElementsOf(values);
  }
}
