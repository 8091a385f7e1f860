package io.lakestream.iceberg;

import io.lakestream.core.error.PipelineException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The bytes of an Iceberg committable, as stored in checkpoints: the pending manifests one writer
 * produced for one checkpoint. Checkpoints outlive versions of lakestream, so every form ever
 * written stays readable: a new layout gets a new version number and {@link #deserialize} keeps
 * reading the old ones. All numbers are big-endian.
 *
 * <ul>
 *   <li>Version 1 (one data manifest): {@code int version = 1}, {@code int n}, {@code n} bytes of
 *       the UTF-8 manifest path, {@code long} manifest length, {@code int} spec id, {@code long}
 *       record count, {@code int} file count.
 *   <li>Version 2 (data and delete manifests): {@code int version = 2}, {@code int} number of
 *       manifests, then per manifest: {@code byte} content (0 data, 1 deletes), {@code int n},
 *       {@code n} bytes of the UTF-8 manifest path, {@code long} manifest length, {@code int} spec
 *       id, {@code long} record count, {@code int} file count.
 *   <li>Version 3 (files written with an evolved schema): version 2's body after {@code int version
 *       = 3}, then {@code boolean} whether a schema follows, and if so {@code int n} and {@code n}
 *       bytes of the Iceberg schema's UTF-8 JSON: the table takes it in the same commit.
 * </ul>
 */
final class CommittableSerializer {
  /** The version {@link #serialize} writes. */
  static final int VERSION = 3;

  private static final byte DATA = 0;
  private static final byte DELETES = 1;

  private CommittableSerializer() {}

  /** The current form of {@code manifests}, written with the table's own schema. */
  static byte[] serialize(List<PendingManifest> manifests) {
    return serialize(manifests, null);
  }

  /**
   * The current form of {@code manifests}.
   *
   * @param schemaJson the evolved schema the files were written with, or null for the table's own
   */
  static byte[] serialize(List<PendingManifest> manifests, String schemaJson) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(128 * (manifests.size() + 1));
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(VERSION);
      out.writeInt(manifests.size());
      for (PendingManifest manifest : manifests) {
        out.writeByte(manifest.content() == PendingManifest.Content.DATA ? DATA : DELETES);
        byte[] path = manifest.path().getBytes(StandardCharsets.UTF_8);
        out.writeInt(path.length);
        out.write(path);
        out.writeLong(manifest.length());
        out.writeInt(manifest.specId());
        out.writeLong(manifest.recordCount());
        out.writeInt(manifest.fileCount());
      }
      out.writeBoolean(schemaJson != null);
      if (schemaJson != null) {
        byte[] json = schemaJson.getBytes(StandardCharsets.UTF_8);
        out.writeInt(json.length);
        out.write(json);
      }
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
  static List<PendingManifest> deserialize(byte[] bytes) {
    return read(bytes).manifests();
  }

  /** The evolved schema the committable's files were written with, or null. */
  static String schemaJson(byte[] bytes) {
    return read(bytes).schemaJson();
  }

  private record Contents(List<PendingManifest> manifests, String schemaJson) {}

  private static Contents read(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      int version = in.readInt();
      List<PendingManifest> manifests;
      if (version == 1) {
        manifests = List.of(readManifest(in, PendingManifest.Content.DATA, bytes.length));
      } else if (version == 2 || version == 3) {
        int count = in.readInt();
        if (count < 0 || count > bytes.length) {
          throw new IOException("bad manifest count " + count);
        }
        manifests = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
          byte content = in.readByte();
          if (content != DATA && content != DELETES) {
            throw new IOException("bad manifest content " + content);
          }
          manifests.add(
              readManifest(
                  in,
                  content == DATA ? PendingManifest.Content.DATA : PendingManifest.Content.DELETES,
                  bytes.length));
        }
        manifests = List.copyOf(manifests);
      } else {
        throw new PipelineException(
            "Cannot read an Iceberg committable of version "
                + version
                + "; this lakestream reads versions up to "
                + VERSION
                + ". Recover the pipeline with the lakestream version that wrote the checkpoint.");
      }
      String schemaJson = null;
      if (version == 3 && in.readBoolean()) {
        int length = in.readInt();
        if (length < 0 || length > bytes.length) {
          throw new IOException("bad schema length " + length);
        }
        byte[] json = new byte[length];
        in.readFully(json);
        schemaJson = new String(json, StandardCharsets.UTF_8);
      }
      if (in.available() > 0) {
        throw new IOException(in.available() + " trailing bytes");
      }
      return new Contents(manifests, schemaJson);
    } catch (IOException e) {
      throw new PipelineException(
          "Cannot read an Iceberg committable (" + bytes.length + " bytes): it is damaged", e);
    }
  }

  private static PendingManifest readManifest(
      DataInputStream in, PendingManifest.Content content, int totalBytes) throws IOException {
    int pathLength = in.readInt();
    if (pathLength < 0 || pathLength > totalBytes) {
      throw new IOException("bad path length " + pathLength);
    }
    byte[] path = new byte[pathLength];
    in.readFully(path);
    return new PendingManifest(
        content,
        new String(path, StandardCharsets.UTF_8),
        in.readLong(),
        in.readInt(),
        in.readLong(),
        in.readInt());
  }
}
