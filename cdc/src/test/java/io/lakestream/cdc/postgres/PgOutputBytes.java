package io.lakestream.cdc.postgres;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Writes pgoutput protocol version 1 messages byte by byte, following the PostgreSQL documentation
 * ("Logical Replication Message Formats") rather than the decoder: Int8/16/32/64 big-endian, String
 * null-terminated UTF-8. Chain the field writers and finish with {@link #buffer()}.
 */
final class PgOutputBytes {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final DataOutputStream out = new DataOutputStream(bytes);

  static PgOutputBytes message(char type) {
    return new PgOutputBytes().byte1(type);
  }

  PgOutputBytes byte1(int b) {
    return write(() -> out.writeByte(b));
  }

  PgOutputBytes int16(int v) {
    return write(() -> out.writeShort(v));
  }

  PgOutputBytes int32(int v) {
    return write(() -> out.writeInt(v));
  }

  PgOutputBytes int64(long v) {
    return write(() -> out.writeLong(v));
  }

  PgOutputBytes string(String s) {
    return write(
        () -> {
          out.write(s.getBytes(StandardCharsets.UTF_8));
          out.writeByte(0);
        });
  }

  PgOutputBytes raw(byte[] b) {
    return write(() -> out.write(b));
  }

  /** A TupleData part: Int16 column count, then one value per column. */
  PgOutputBytes tuple(int columns) {
    return int16(columns);
  }

  PgOutputBytes nullValue() {
    return byte1('n');
  }

  PgOutputBytes unchangedToast() {
    return byte1('u');
  }

  PgOutputBytes text(String value) {
    byte[] b = value.getBytes(StandardCharsets.UTF_8);
    return byte1('t').int32(b.length).raw(b);
  }

  /** A Relation column: Int8 flags, String name, Int32 type OID, Int32 type modifier. */
  PgOutputBytes column(int flags, String name, int typeOid, int typeModifier) {
    return byte1(flags).string(name).int32(typeOid).int32(typeModifier);
  }

  byte[] toByteArray() {
    return bytes.toByteArray();
  }

  ByteBuffer buffer() {
    return ByteBuffer.wrap(toByteArray());
  }

  private interface Write {
    void run() throws IOException;
  }

  private PgOutputBytes write(Write w) {
    try {
      w.run();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }
}
