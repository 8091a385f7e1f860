package io.lakestream.hudi;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The binary form of a Hudi committable, version 1: a version byte, then the staging file's URI and
 * its row count. Read back from persisted checkpoints by later versions: never change version 1;
 * add a version.
 */
final class CommittableSerializer {
  static final int VERSION = 1;

  private CommittableSerializer() {}

  /** A staging file and its rows. */
  record StagedFile(String path, long rows) {}

  static byte[] serialize(StagedFile file) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      out.writeUTF(file.path());
      out.writeLong(file.rows());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * @throws IllegalArgumentException if {@code bytes} are not a committable this version reads
   */
  static StagedFile deserialize(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      int version = in.readUnsignedByte();
      if (version != VERSION) {
        throw new IllegalArgumentException(
            "Unknown Hudi committable version "
                + version
                + " (this lakestream reads version "
                + VERSION
                + "); was the checkpoint written by a newer lakestream?");
      }
      return new StagedFile(in.readUTF(), in.readLong());
    } catch (IOException e) {
      throw new IllegalArgumentException("Malformed Hudi committable: " + e.getMessage(), e);
    }
  }
}
