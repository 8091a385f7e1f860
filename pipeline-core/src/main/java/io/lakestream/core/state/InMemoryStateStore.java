package io.lakestream.core.state;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.CRC32;
import java.util.zip.CheckedOutputStream;

/**
 * A task's state in a sorted map on the heap, snapshotted in full to one file. For tests and small
 * jobs.
 *
 * <p>Snapshot file format 1 (big-endian): format byte {@code 1}, entry count (int), then per entry
 * in key order: key length (int), key, value length (int), value; then the CRC-32 of everything
 * before it (long).
 */
final class InMemoryStateStore implements StateStore {
  private static final byte FORMAT = 1;

  private final InMemoryStateBackend backend;
  private final String owner;
  private final NavigableMap<byte[], byte[]> entries;
  private final AtomicBoolean closed = new AtomicBoolean();
  private long sizeBytes;

  InMemoryStateStore(
      InMemoryStateBackend backend, String owner, NavigableMap<byte[], byte[]> from) {
    this.backend = backend;
    this.owner = owner;
    this.entries = from;
    for (Map.Entry<byte[], byte[]> e : from.entrySet()) {
      sizeBytes += e.getKey().length + e.getValue().length;
    }
  }

  /** An empty map in the stores' key order. */
  static NavigableMap<byte[], byte[]> emptyEntries() {
    return new TreeMap<>(Arrays::compareUnsigned);
  }

  String owner() {
    return owner;
  }

  @Override
  public byte[] get(byte[] key) {
    checkOpen();
    byte[] value = entries.get(key);
    return value == null ? null : value.clone();
  }

  @Override
  public byte[][] getAll(byte[][] keys, int count) {
    byte[][] values = new byte[count][];
    for (int i = 0; i < count; i++) {
      values[i] = get(keys[i]);
    }
    return values;
  }

  @Override
  public void write(byte[][] keys, byte[][] values, int count) {
    for (int i = 0; i < count; i++) {
      if (values[i] == null) {
        delete(keys[i]);
      } else {
        put(keys[i], values[i]);
      }
    }
  }

  @Override
  public void put(byte[] key, byte[] value) {
    checkOpen();
    byte[] previous = entries.put(key.clone(), value.clone());
    sizeBytes += previous == null ? key.length + value.length : value.length - previous.length;
  }

  @Override
  public void delete(byte[] key) {
    checkOpen();
    byte[] previous = entries.remove(key);
    if (previous != null) {
      sizeBytes -= key.length + previous.length;
    }
  }

  @Override
  public void deleteRange(byte[] fromInclusive, byte[] toExclusive) {
    checkOpen();
    if (Arrays.compareUnsigned(fromInclusive, toExclusive) >= 0) {
      return;
    }
    Map<byte[], byte[]> range = entries.subMap(fromInclusive, true, toExclusive, false);
    for (Map.Entry<byte[], byte[]> e : range.entrySet()) {
      sizeBytes -= e.getKey().length + e.getValue().length;
    }
    range.clear();
  }

  @Override
  public void scan(byte[] fromInclusive, byte[] toExclusive, EntryVisitor visitor) {
    checkOpen();
    // stepping by lookups rather than an iterator lets the visitor write to the store
    for (Map.Entry<byte[], byte[]> e = entries.ceilingEntry(fromInclusive);
        e != null && Arrays.compareUnsigned(e.getKey(), toExclusive) < 0;
        e = entries.higherEntry(e.getKey())) {
      if (!visitor.visit(e.getKey().clone(), e.getValue().clone())) {
        return;
      }
    }
  }

  @Override
  public byte[] snapshot(long checkpointId) throws IOException {
    checkOpen();
    return backend.snapshot(owner, checkpointId, this::writeTo);
  }

  /** Writes every entry to the new file {@code file} and forces it to disk. */
  private void writeTo(Path file) throws IOException {
    CRC32 crc = new CRC32();
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      DataOutputStream out =
          new DataOutputStream(
              new BufferedOutputStream(
                  new CheckedOutputStream(Channels.newOutputStream(ch), crc), 1 << 16));
      out.writeByte(FORMAT);
      out.writeInt(entries.size());
      for (Map.Entry<byte[], byte[]> e : entries.entrySet()) {
        out.writeInt(e.getKey().length);
        out.write(e.getKey());
        out.writeInt(e.getValue().length);
        out.write(e.getValue());
      }
      out.flush();
      out.writeLong(crc.getValue());
      out.flush();
      ch.force(true);
    }
  }

  /**
   * The entries of a snapshot file's bytes.
   *
   * @return null if the bytes are truncated, fail their checksum or have an unknown format
   */
  static NavigableMap<byte[], byte[]> read(byte[] bytes) {
    if (bytes.length < Long.BYTES + 1) {
      return null;
    }
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    CRC32 crc = new CRC32();
    crc.update(bytes, 0, bytes.length - Long.BYTES);
    if (crc.getValue() != buf.getLong(bytes.length - Long.BYTES) || buf.get() != FORMAT) {
      return null;
    }
    buf.limit(bytes.length - Long.BYTES);
    NavigableMap<byte[], byte[]> read = emptyEntries();
    try {
      for (int n = buf.getInt(); n > 0; n--) {
        byte[] key = new byte[buf.getInt()];
        buf.get(key);
        byte[] value = new byte[buf.getInt()];
        buf.get(value);
        read.put(key, value);
      }
    } catch (BufferUnderflowException | NegativeArraySizeException e) {
      return null;
    }
    return buf.hasRemaining() ? null : read;
  }

  @Override
  public long sizeBytes() {
    checkOpen();
    return sizeBytes;
  }

  @Override
  public long keyCount() {
    checkOpen();
    return entries.size();
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      backend.closed(this);
    }
  }

  private void checkOpen() {
    if (closed.get()) {
      throw new IllegalStateException("The state of " + owner + " is closed");
    }
  }
}
