package io.lakestream.iceberg;

import io.lakestream.core.error.PipelineException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The bytes of an Iceberg committable, as stored in checkpoints. Checkpoints outlive versions of
 * lakestream, so every form ever written stays readable: a new layout gets a new version number and
 * {@link #deserialize} keeps reading the old ones.
 *
 * <p>Version 1, big-endian: {@code int version = 1}, {@code int n}, {@code n} bytes of the UTF-8
 * manifest path, {@code long} manifest length, {@code int} spec id, {@code long} record count,
 * {@code int} file count.
 */
final class CommittableSerializer {
  /** The version {@link #serialize} writes. */
  static final int VERSION = 1;

  private CommittableSerializer() {}

  /** The current form of {@code manifest}. */
  static byte[] serialize(PendingManifest manifest) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + manifest.path().length());
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(VERSION);
      byte[] path = manifest.path().getBytes(StandardCharsets.UTF_8);
      out.writeInt(path.length);
      out.write(path);
      out.writeLong(manifest.length());
      out.writeInt(manifest.specId());
      out.writeLong(manifest.recordCount());
      out.writeInt(manifest.fileCount());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * Reads any version written so far.
   *
   * @throws PipelineException if the bytes are from a newer lakestream or are damaged
   */
  static PendingManifest deserialize(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      int version = in.readInt();
      if (version != 1) {
        throw new PipelineException(
            "Cannot read an Iceberg committable of version "
                + version
                + "; this lakestream reads versions up to "
                + VERSION
                + ". Recover the pipeline with the lakestream version that wrote the checkpoint.");
      }
      int pathLength = in.readInt();
      if (pathLength < 0 || pathLength > bytes.length) {
        throw new IOException("bad path length " + pathLength);
      }
      byte[] path = new byte[pathLength];
      in.readFully(path);
      PendingManifest manifest =
          new PendingManifest(
              new String(path, StandardCharsets.UTF_8),
              in.readLong(),
              in.readInt(),
              in.readLong(),
              in.readInt());
      if (in.available() > 0) {
        throw new IOException(in.available() + " trailing bytes");
      }
      return manifest;
    } catch (IOException e) {
      throw new PipelineException(
          "Cannot read an Iceberg committable (" + bytes.length + " bytes): it is damaged", e);
    }
  }
}
