package io.lakestream.core.state;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.regex.Pattern;

/**
 * The serialized form of every backend's snapshot handle, which checkpoints persist: one header and
 * one set of checks for all backends, so a handle of the wrong backend, of a newer build or cut
 * short is reported the same way everywhere.
 *
 * <p><b>Every version ever written stays readable.</b> Version 1, big-endian as {@link DataOutput}
 * writes it: version byte {@code 1}, kind byte (the backend: see {@link Kind}), then the backend's
 * fields, strings as {@link DataOutput#writeUTF}. Nothing may follow the fields.
 */
final class StateHandle {
  /** The version this build writes and the only one it reads. */
  static final byte VERSION = 1;

  /**
   * Owner, file and directory names: one path segment, so a name read from a handle cannot point
   * outside its folder.
   */
  static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]*");

  private StateHandle() {}

  /** The backend a handle belongs to; each has its own kind byte, never reused. */
  enum Kind {
    IN_MEMORY('M', "an", "in-memory"),
    ROCKSDB('R', "a", "RocksDB");

    private final byte code;
    private final String article;
    private final String backend;

    Kind(char code, String article, String backend) {
      this.code = (byte) code;
      this.article = article;
      this.backend = backend;
    }

    private String handle() {
      return backend + " state handle";
    }

    private IOException corrupt(String what) {
      return new IOException("Corrupt " + handle() + ": " + what);
    }
  }

  /** Writes a backend's fields after the header. */
  @FunctionalInterface
  interface FieldWriter {
    void write(DataOutput out) throws IOException;
  }

  /** Reads a backend's fields after the header. */
  @FunctionalInterface
  interface FieldReader<T> {
    T read(Fields in) throws IOException;
  }

  /** A version-{@value #VERSION} handle of {@code kind} holding what {@code fields} writes. */
  static byte[] encode(Kind kind, FieldWriter fields) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeByte(VERSION);
      out.writeByte(kind.code);
      fields.write(out);
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write a state handle into memory", e);
    }
  }

  /**
   * Reads a handle of {@code kind} written by any version.
   *
   * @throws IOException if the handle is of an unknown version, of another backend, truncated,
   *     followed by trailing bytes, or holds an invalid name or count
   */
  static <T> T decode(byte[] handle, Kind kind, FieldReader<T> fields) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(handle));
    try {
      byte version = in.readByte();
      if (version != VERSION) {
        throw new IOException(
            "Unsupported "
                + kind.handle()
                + " version "
                + version
                + " (this build reads "
                + VERSION
                + ")");
      }
      byte code = in.readByte();
      if (code != kind.code) {
        throw new IOException(
            "Not "
                + kind.article
                + " "
                + kind.handle()
                + " (kind '"
                + (char) code
                + "'): was the backend changed?");
      }
      T value = fields.read(new Fields(in, kind));
      if (in.available() > 0) {
        throw kind.corrupt("trailing bytes");
      }
      return value;
    } catch (EOFException e) {
      throw new IOException("Corrupt " + kind.handle() + ": truncated", e);
    }
  }

  /** A handle's fields, read with the checks every backend needs. */
  static final class Fields {
    private final DataInputStream in;
    private final Kind kind;

    private Fields(DataInputStream in, Kind kind) {
      this.in = in;
      this.kind = kind;
    }

    /** A name as {@link #NAME} allows. */
    String name() throws IOException {
      String name = in.readUTF();
      if (!NAME.matcher(name).matches()) {
        throw kind.corrupt("invalid name '" + name + "'");
      }
      return name;
    }

    long readLong() throws IOException {
      return in.readLong();
    }

    /** How many of {@code what} follow, 0 or more. */
    int count(String what) throws IOException {
      int count = in.readInt();
      if (count < 0) {
        throw kind.corrupt(count + " " + what);
      }
      return count;
    }
  }
}
