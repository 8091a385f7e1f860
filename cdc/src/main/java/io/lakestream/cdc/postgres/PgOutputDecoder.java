package io.lakestream.cdc.postgres;

import io.lakestream.cdc.postgres.PgOutputMessage.Begin;
import io.lakestream.cdc.postgres.PgOutputMessage.Commit;
import io.lakestream.cdc.postgres.PgOutputMessage.Delete;
import io.lakestream.cdc.postgres.PgOutputMessage.Insert;
import io.lakestream.cdc.postgres.PgOutputMessage.LogicalMessage;
import io.lakestream.cdc.postgres.PgOutputMessage.OldTupleKind;
import io.lakestream.cdc.postgres.PgOutputMessage.Origin;
import io.lakestream.cdc.postgres.PgOutputMessage.Relation;
import io.lakestream.cdc.postgres.PgOutputMessage.ReplicaIdentity;
import io.lakestream.cdc.postgres.PgOutputMessage.Truncate;
import io.lakestream.cdc.postgres.PgOutputMessage.Type;
import io.lakestream.cdc.postgres.PgOutputMessage.Update;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes the messages of PostgreSQL's pgoutput plugin, protocol version 1, with tuple values in
 * text format: the payload of each XLogData message, as PgJDBC's {@code
 * PGReplicationStream.readPending()} hands it over, is exactly one message.
 *
 * <p>Start replication with {@code proto_version '1'} and without the {@code binary} and {@code
 * streaming} options. Strings are read as UTF-8, which is what PgJDBC asks the server for ({@code
 * client_encoding=UTF8}).
 *
 * <p>The decoder keeps no state and is safe to share between threads; relation metadata lives in
 * {@link Relations}.
 */
public final class PgOutputDecoder {

  /** Microseconds from the Unix epoch to PostgreSQL's epoch, 2000-01-01T00:00:00Z. */
  public static final long POSTGRES_EPOCH_MICROS = 946_684_800_000_000L;

  /**
   * Decodes the one message between {@code buffer}'s position and its limit. The buffer's position,
   * limit and byte order are left as they were; the message holds no reference to the buffer, so
   * the caller may reuse it.
   *
   * @throws PgOutputException if the bytes are not one complete pgoutput version 1 message: an
   *     unknown message type, a binary tuple value, a message cut short or followed by extra bytes
   */
  public PgOutputMessage decode(ByteBuffer buffer) {
    // slice(): reads relative to the caller's position, in big-endian order, without moving it
    ByteBuffer in = buffer.slice();
    if (!in.hasRemaining()) {
      throw new PgOutputException("Empty pgoutput message");
    }
    byte type = in.get();
    PgOutputMessage message;
    try {
      message = decode(type, in);
    } catch (BufferUnderflowException e) {
      throw new PgOutputException(
          "Truncated pgoutput "
              + describeByte(type)
              + " message: "
              + in.limit()
              + " bytes are not enough",
          e);
    }
    if (in.hasRemaining()) {
      throw new PgOutputException(
          in.remaining()
              + " unexpected bytes after a pgoutput "
              + describeByte(type)
              + " message of "
              + in.position()
              + " bytes; is the server sending a protocol version other than 1?");
    }
    return message;
  }

  /**
   * Converts a protocol timestamp (microseconds since 2000-01-01 UTC) to microseconds since the
   * Unix epoch.
   */
  public static long toUnixMicros(long postgresMicros) {
    return postgresMicros + POSTGRES_EPOCH_MICROS;
  }

  private static PgOutputMessage decode(byte type, ByteBuffer in) {
    switch (type) {
      case 'B':
        return new Begin(
            in.getLong(), toUnixMicros(in.getLong()), Integer.toUnsignedLong(in.getInt()));
      case 'C':
        return new Commit(in.get() & 0xff, in.getLong(), in.getLong(), toUnixMicros(in.getLong()));
      case 'O':
        return new Origin(in.getLong(), cstring(in));
      case 'R':
        return relation(in);
      case 'Y':
        return new Type(in.getInt(), cstring(in), cstring(in));
      case 'I':
        {
          int relation = in.getInt();
          expect(in, 'N', type);
          return new Insert(relation, tuple(in));
        }
      case 'U':
        return update(in);
      case 'D':
        return delete(in);
      case 'T':
        return truncate(in);
      case 'M':
        return logicalMessage(in);
      default:
        throw new PgOutputException(
            "Unknown pgoutput message type "
                + describeByte(type)
                + "; this decoder reads protocol version 1 without the streaming option");
    }
  }

  private static Relation relation(ByteBuffer in) {
    int oid = in.getInt();
    String namespace = cstring(in);
    String name = cstring(in);
    ReplicaIdentity identity = ReplicaIdentity.of(in.get() & 0xff);
    int count = in.getShort() & 0xffff;
    List<Relation.Column> columns = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      columns.add(new Relation.Column(in.get() & 0xff, cstring(in), in.getInt(), in.getInt()));
    }
    return new Relation(oid, namespace, name, identity, columns);
  }

  private static Update update(ByteBuffer in) {
    int relation = in.getInt();
    byte next = in.get();
    OldTupleKind oldKind = oldTupleKind(next);
    TupleData oldTuple = null;
    if (oldKind != OldTupleKind.NONE) {
      oldTuple = tuple(in);
      next = in.get();
    }
    if (next != 'N') {
      throw new PgOutputException(
          "Expected 'N' (new tuple) in pgoutput 'U' message, found " + describeByte(next));
    }
    return new Update(relation, oldKind, oldTuple, tuple(in));
  }

  private static Delete delete(ByteBuffer in) {
    int relation = in.getInt();
    byte next = in.get();
    OldTupleKind oldKind = oldTupleKind(next);
    if (oldKind == OldTupleKind.NONE) {
      throw new PgOutputException(
          "Expected 'K' (key) or 'O' (old tuple) in pgoutput 'D' message, found "
              + describeByte(next));
    }
    return new Delete(relation, oldKind, tuple(in));
  }

  private static OldTupleKind oldTupleKind(byte b) {
    return switch (b) {
      case 'K' -> OldTupleKind.KEY;
      case 'O' -> OldTupleKind.FULL;
      default -> OldTupleKind.NONE;
    };
  }

  private static Truncate truncate(ByteBuffer in) {
    int count = in.getInt();
    if (count < 0) {
      throw new PgOutputException("Negative relation count in pgoutput 'T' message: " + count);
    }
    int options = in.get() & 0xff;
    // bounded by the bytes present, so a corrupt count cannot allocate a huge list
    List<Integer> oids = new ArrayList<>(Math.min(count, in.remaining() / 4));
    for (int i = 0; i < count; i++) {
      oids.add(in.getInt());
    }
    return new Truncate(options, oids);
  }

  private static LogicalMessage logicalMessage(ByteBuffer in) {
    int flags = in.get() & 0xff;
    long lsn = in.getLong();
    String prefix = cstring(in);
    int length = in.getInt();
    if (length < 0) {
      throw new PgOutputException("Negative content length in pgoutput 'M' message: " + length);
    }
    byte[] content = new byte[length];
    in.get(content);
    return new LogicalMessage(flags, lsn, prefix, ByteBuffer.wrap(content));
  }

  private static TupleData tuple(ByteBuffer in) {
    int count = in.getShort() & 0xffff;
    TupleData.Kind[] kinds = new TupleData.Kind[count];
    String[] texts = new String[count];
    for (int i = 0; i < count; i++) {
      byte kind = in.get();
      switch (kind) {
        case 'n' -> kinds[i] = TupleData.Kind.NULL;
        case 'u' -> kinds[i] = TupleData.Kind.UNCHANGED_TOAST;
        case 't' -> {
          kinds[i] = TupleData.Kind.TEXT;
          int length = in.getInt();
          if (length < 0 || length > in.remaining()) {
            throw new PgOutputException(
                "Column "
                    + i
                    + " claims "
                    + length
                    + " bytes of text but "
                    + in.remaining()
                    + " remain in the pgoutput message");
          }
          texts[i] = utf8(in, length);
        }
        case 'b' ->
            throw new PgOutputException(
                "Column "
                    + i
                    + " is in binary format ('b'); start replication without the pgoutput"
                    + " 'binary' option so that values arrive as text");
        default ->
            throw new PgOutputException(
                "Unknown tuple value kind " + describeByte(kind) + " for column " + i);
      }
    }
    return new TupleData(kinds, texts, false);
  }

  private static void expect(ByteBuffer in, char expected, byte messageType) {
    byte b = in.get();
    if (b != expected) {
      throw new PgOutputException(
          "Expected '"
              + expected
              + "' in pgoutput "
              + describeByte(messageType)
              + " message, found "
              + describeByte(b));
    }
  }

  /** A null-terminated string; the terminator is consumed. */
  private static String cstring(ByteBuffer in) {
    int start = in.position();
    int end = start;
    int limit = in.limit();
    while (end < limit && in.get(end) != 0) {
      end++;
    }
    if (end == limit) {
      throw new PgOutputException("Unterminated string at byte " + start + " of pgoutput message");
    }
    String s = utf8(in, end - start);
    in.get(); // the terminator
    return s;
  }

  private static String utf8(ByteBuffer in, int length) {
    String s;
    if (in.hasArray()) {
      s = new String(in.array(), in.arrayOffset() + in.position(), length, StandardCharsets.UTF_8);
      in.position(in.position() + length);
    } else {
      byte[] bytes = new byte[length];
      in.get(bytes);
      s = new String(bytes, StandardCharsets.UTF_8);
    }
    return s;
  }

  /** A protocol byte for a message: {@code 'X' (0x58)}, or just the hex if not printable. */
  static String describeByte(int b) {
    int v = b & 0xff;
    String hex = String.format("0x%02X", v);
    return v >= 0x20 && v < 0x7f ? "'" + (char) v + "' (" + hex + ")" : hex;
  }
}
