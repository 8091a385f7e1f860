package io.lakestream.core.runtime;

import io.lakestream.core.sink.Committable;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32;

/**
 * The on-disk form of a {@link Checkpoint}. Every version ever written stays readable: a new field
 * means a new version number and a new branch in {@link #deserialize}, never a change to an old
 * one.
 *
 * <p>Layout (big-endian): magic {@code LSCK}, version (int), body length (int), body, CRC-32 of the
 * body (long). Version 1 body: pipeline id (UTF), checkpoint id (long), created-at millis (long),
 * position count (int) then {split id (UTF), offset (long)}*, table count (int) then {table (UTF),
 * committable count (int), {records (long), length (int), bytes}*}*. Version 2 appends the tasks'
 * state: count (int) then {owner (UTF), length (int), bytes}*. Version 3 appends the number of key
 * groups (int); earlier versions read as 0, state split by {@code hash % parallelism}. Version 4
 * appends the key counts of the keyed state: count (int) then {owner (UTF), keys (long)}*; earlier
 * versions read as none.
 */
public final class CheckpointSerializer {
  static final int MAGIC = 0x4c53434b; // "LSCK"
  static final int CURRENT_VERSION = 4;

  private CheckpointSerializer() {}

  /** The current version's bytes for {@code checkpoint}. */
  public static byte[] serialize(Checkpoint checkpoint) {
    try {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(body);
      out.writeUTF(checkpoint.pipelineId());
      out.writeLong(checkpoint.id());
      out.writeLong(checkpoint.createdAtMillis());
      Map<String, Long> positions = new TreeMap<>(checkpoint.positions());
      out.writeInt(positions.size());
      for (Map.Entry<String, Long> e : positions.entrySet()) {
        out.writeUTF(e.getKey());
        out.writeLong(e.getValue());
      }
      Map<String, List<Committable>> tables = new TreeMap<>(checkpoint.committables());
      out.writeInt(tables.size());
      for (Map.Entry<String, List<Committable>> e : tables.entrySet()) {
        out.writeUTF(e.getKey());
        out.writeInt(e.getValue().size());
        for (Committable c : e.getValue()) {
          out.writeLong(c.records());
          out.writeInt(c.bytes().length);
          out.write(c.bytes());
        }
      }
      Map<String, byte[]> state = new TreeMap<>(checkpoint.state());
      out.writeInt(state.size());
      for (Map.Entry<String, byte[]> e : state.entrySet()) {
        out.writeUTF(e.getKey());
        out.writeInt(e.getValue().length);
        out.write(e.getValue());
      }
      out.writeInt(checkpoint.keyGroups());
      Map<String, Long> keys = new TreeMap<>(checkpoint.stateKeys());
      out.writeInt(keys.size());
      for (Map.Entry<String, Long> e : keys.entrySet()) {
        out.writeUTF(e.getKey());
        out.writeLong(e.getValue());
      }
      out.flush();
      byte[] bodyBytes = body.toByteArray();
      ByteArrayOutputStream framed = new ByteArrayOutputStream(bodyBytes.length + 20);
      DataOutputStream frame = new DataOutputStream(framed);
      frame.writeInt(MAGIC);
      frame.writeInt(CURRENT_VERSION);
      frame.writeInt(bodyBytes.length);
      frame.write(bodyBytes);
      frame.writeLong(crc(bodyBytes));
      frame.flush();
      return framed.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Reads a checkpoint written by any version of this serializer.
   *
   * @throws CorruptCheckpointException if the bytes are truncated, fail their checksum or carry an
   *     unknown version
   */
  public static Checkpoint deserialize(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      if (bytes.length < 20 || in.readInt() != MAGIC) {
        throw new CorruptCheckpointException("not a lakestream checkpoint");
      }
      int version = in.readInt();
      int length = in.readInt();
      if (length < 0 || length > bytes.length - 20) {
        throw new CorruptCheckpointException("truncated (body length " + length + ")");
      }
      byte[] body = in.readNBytes(length);
      if (in.readLong() != crc(body)) {
        throw new CorruptCheckpointException("checksum mismatch");
      }
      if (version >= 1 && version <= CURRENT_VERSION) {
        return read(new DataInputStream(new ByteArrayInputStream(body)), version);
      }
      throw new CorruptCheckpointException(
          "written by a newer lakestream (format version " + version + ")");
    } catch (IOException e) {
      throw new CorruptCheckpointException("truncated: " + e.getMessage());
    }
  }

  private static Checkpoint read(DataInputStream in, int version) throws IOException {
    String pipeline = in.readUTF();
    long id = in.readLong();
    long createdAt = in.readLong();
    int positionCount = in.readInt();
    Map<String, Long> positions = new LinkedHashMap<>();
    for (int i = 0; i < positionCount; i++) {
      positions.put(in.readUTF(), in.readLong());
    }
    int tableCount = in.readInt();
    Map<String, List<Committable>> tables = new LinkedHashMap<>();
    for (int t = 0; t < tableCount; t++) {
      String table = in.readUTF();
      int count = in.readInt();
      List<Committable> list = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        long records = in.readLong();
        byte[] data = in.readNBytes(in.readInt());
        list.add(new Committable(records, data));
      }
      tables.put(table, list);
    }
    Map<String, byte[]> state = new LinkedHashMap<>();
    if (version >= 2) {
      int owners = in.readInt();
      for (int i = 0; i < owners; i++) {
        String owner = in.readUTF();
        state.put(owner, in.readNBytes(in.readInt()));
      }
    }
    int keyGroups = version >= 3 ? in.readInt() : 0;
    Map<String, Long> keys = new LinkedHashMap<>();
    if (version >= 4) {
      int owners = in.readInt();
      for (int i = 0; i < owners; i++) {
        keys.put(in.readUTF(), in.readLong());
      }
    }
    return new Checkpoint(pipeline, id, createdAt, positions, tables, state, keyGroups, keys);
  }

  private static long crc(byte[] body) {
    CRC32 crc = new CRC32();
    crc.update(body);
    return crc.getValue();
  }

  /** A checkpoint file that cannot be read. */
  public static final class CorruptCheckpointException extends RuntimeException {
    CorruptCheckpointException(String message) {
      super(message);
    }
  }
}
