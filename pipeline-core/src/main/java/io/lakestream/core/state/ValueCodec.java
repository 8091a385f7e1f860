package io.lakestream.core.state;

import io.lakestream.core.record.DataType;
import io.lakestream.core.record.Schema;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.stream.Collectors;

/**
 * The compact binary form of single values, and of tuples of them used as state keys.
 *
 * <p>A value is a presence byte (0 for null, 1 otherwise) followed, when present, by: a boolean as
 * one byte; an int or date as 4 bytes, a long or timestamp as 8 bytes, a float or double as its 4
 * or 8 IEEE 754 bytes (big-endian, as {@link DataOutput} writes them); a string as its UTF-8 length
 * (unsigned varint) and UTF-8 bytes; a binary as its length (varint) and bytes; a decimal as the
 * length (varint) and big-endian two's-complement bytes of its unscaled value at the declared
 * scale, which is not written. Struct and list values are not supported: they are never keys or
 * aggregate inputs.
 *
 * <p>The encoding is deterministic: values equal by {@code equals} (decimals after rescaling to the
 * declared scale) give equal bytes, so encoded keys can be compared as bytes. Bytes are not ordered
 * like the values they encode, except those written by {@link #writeLongOrdered}.
 *
 * <p>State stores persist these bytes: changing the layout needs a new state format version.
 */
public final class ValueCodec {
  private static final int NULL = 0;
  private static final int PRESENT = 1;
  private static final VarHandle LONG_BIG_ENDIAN =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private ValueCodec() {}

  /**
   * Writes {@code value}, which may be null, in the representation {@link DataType} documents for
   * {@code type}.
   *
   * @throws IllegalArgumentException if a decimal has more digits after the point than its type
   * @throws UnsupportedOperationException if {@code type} is a struct or list
   * @throws IOException if {@code out} fails
   */
  public static void write(DataOutput out, DataType type, Object value) throws IOException {
    checkSupported(type);
    if (value == null) {
      out.writeByte(NULL);
      return;
    }
    out.writeByte(PRESENT);
    if (type instanceof DataType.Decimal decimal) {
      writeBytes(out, unscaled(decimal, (BigDecimal) value).toByteArray());
      return;
    }
    switch ((DataType.Primitive) type) {
      case BOOLEAN -> out.writeBoolean((Boolean) value);
      case INT, DATE -> out.writeInt((Integer) value);
      case LONG, TIMESTAMP -> out.writeLong((Long) value);
      case FLOAT -> out.writeFloat((Float) value);
      case DOUBLE -> out.writeDouble((Double) value);
      case STRING -> writeBytes(out, ((String) value).getBytes(StandardCharsets.UTF_8));
      case BINARY -> writeBinary(out, (ByteBuffer) value);
    }
  }

  /**
   * Reads a value {@link #write} wrote for {@code type}; null if it wrote null.
   *
   * @throws UnsupportedOperationException if {@code type} is a struct or list
   * @throws IOException if {@code in} fails, ends early or does not hold a value
   */
  public static Object read(DataInput in, DataType type) throws IOException {
    checkSupported(type);
    int presence = in.readUnsignedByte();
    if (presence == NULL) {
      return null;
    }
    if (presence != PRESENT) {
      throw new IOException("Corrupt value: presence byte must be 0 or 1, got " + presence);
    }
    if (type instanceof DataType.Decimal decimal) {
      return new BigDecimal(new BigInteger(readBytes(in)), decimal.scale());
    }
    return switch ((DataType.Primitive) type) {
      case BOOLEAN -> in.readBoolean();
      case INT, DATE -> in.readInt();
      case LONG, TIMESTAMP -> in.readLong();
      case FLOAT -> in.readFloat();
      case DOUBLE -> in.readDouble();
      case STRING -> new String(readBytes(in), StandardCharsets.UTF_8);
      case BINARY -> ByteBuffer.wrap(readBytes(in));
    };
  }

  /**
   * The bytes of a tuple of values, one per field of {@code keySchema}, each written by {@link
   * #write}. Equal tuples give equal bytes.
   *
   * @throws IllegalArgumentException if the number of values is not the number of fields, or a
   *     decimal has more digits after the point than its type
   * @throws UnsupportedOperationException if a field is a struct or list
   */
  public static byte[] encodeKey(Schema keySchema, Object[] values) {
    if (values.length != keySchema.size()) {
      throw new IllegalArgumentException(
          "Key has "
              + values.length
              + " values but the key schema has "
              + keySchema.size()
              + " fields ("
              + describe(keySchema)
              + ")");
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 * values.length);
    DataOutputStream out = new DataOutputStream(bytes);
    try {
      for (int i = 0; i < values.length; i++) {
        write(out, keySchema.field(i).type(), values[i]);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * The tuple {@link #encodeKey} encoded.
   *
   * @throws IllegalArgumentException if {@code bytes} are not exactly one tuple of {@code
   *     keySchema}
   * @throws UnsupportedOperationException if a field is a struct or list
   */
  public static Object[] decodeKey(Schema keySchema, byte[] bytes) {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
    Object[] values = new Object[keySchema.size()];
    try {
      for (int i = 0; i < values.length; i++) {
        values[i] = read(in, keySchema.field(i).type());
      }
      if (in.available() > 0) {
        throw new IOException(in.available() + " bytes left over");
      }
    } catch (IOException e) {
      String reason = e instanceof EOFException ? "they end early" : e.getMessage();
      throw new IllegalArgumentException(
          "Not a key of (" + describe(keySchema) + "), " + bytes.length + " bytes: " + reason, e);
    }
    return values;
  }

  /**
   * Writes {@code v} into {@code buf[offset..offset+8)} so that comparing the bytes unsigned
   * lexicographically (as {@link Bytes} and RocksDB do) orders them like the signed longs:
   * big-endian with the sign bit flipped.
   *
   * @throws IndexOutOfBoundsException if fewer than 8 bytes follow {@code offset}
   */
  public static void writeLongOrdered(byte[] buf, int offset, long v) {
    LONG_BIG_ENDIAN.set(buf, offset, v ^ Long.MIN_VALUE);
  }

  /**
   * The long {@link #writeLongOrdered} wrote at {@code offset}.
   *
   * @throws IndexOutOfBoundsException if fewer than 8 bytes follow {@code offset}
   */
  public static long readLongOrdered(byte[] buf, int offset) {
    return (long) LONG_BIG_ENDIAN.get(buf, offset) ^ Long.MIN_VALUE;
  }

  private static BigInteger unscaled(DataType.Decimal type, BigDecimal value) {
    if (value.scale() == type.scale()) {
      return value.unscaledValue();
    }
    try {
      return value.setScale(type.scale(), RoundingMode.UNNECESSARY).unscaledValue();
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(
          "Decimal " + value.toPlainString() + " has more digits after the point than " + type, e);
    }
  }

  private static void writeBinary(DataOutput out, ByteBuffer value) throws IOException {
    if (value.hasArray()) {
      writeLength(out, value.remaining());
      out.write(value.array(), value.arrayOffset() + value.position(), value.remaining());
    } else {
      byte[] bytes = new byte[value.remaining()];
      value.duplicate().get(bytes);
      writeBytes(out, bytes);
    }
  }

  private static void writeBytes(DataOutput out, byte[] bytes) throws IOException {
    writeLength(out, bytes.length);
    out.write(bytes);
  }

  private static byte[] readBytes(DataInput in) throws IOException {
    byte[] bytes = new byte[readLength(in)];
    in.readFully(bytes);
    return bytes;
  }

  /** An unsigned varint: 7 bits a byte, low bits first, high bit set on all but the last byte. */
  private static void writeLength(DataOutput out, int length) throws IOException {
    int rest = length;
    while ((rest & ~0x7F) != 0) {
      out.writeByte((rest & 0x7F) | 0x80);
      rest >>>= 7;
    }
    out.writeByte(rest);
  }

  private static int readLength(DataInput in) throws IOException {
    int length = 0;
    for (int shift = 0; shift < Integer.SIZE; shift += 7) {
      int b = in.readUnsignedByte();
      length |= (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        if (length < 0) {
          throw new IOException("Corrupt value: length " + Integer.toUnsignedString(length));
        }
        return length;
      }
    }
    throw new IOException("Corrupt value: length longer than 5 bytes");
  }

  private static void checkSupported(DataType type) {
    if (!(type instanceof DataType.Primitive) && !(type instanceof DataType.Decimal)) {
      throw new UnsupportedOperationException(
          "ValueCodec encodes primitive and decimal values only, not " + type.name());
    }
  }

  private static String describe(Schema schema) {
    return schema.fields().stream()
        .map(field -> field.name() + " " + field.type())
        .collect(Collectors.joining(", "));
  }
}
