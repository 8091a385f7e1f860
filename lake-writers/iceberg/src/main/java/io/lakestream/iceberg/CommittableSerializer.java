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
 *   <li>Version 4 (position deletes of committed rows): version 3's body after {@code int version =
 *       4}, where a manifest's content may also be 2 (fallback equality deletes), then {@code int}
 *       number of committed data files the position deletes refer to, each as {@code int n} and
 *       {@code n} UTF-8 bytes, and {@code long} the oldest checkpoint that wrote one and {@code
 *       long} the snapshot a loaded key index knew some of them from ({@link CommittedFileRefs}; 0
 *       files, {@link Long#MAX_VALUE} and -1 when there are none).
 * </ul>
 */
final class CommittableSerializer {
  /** The version {@link #serialize} writes. */
  static final int VERSION = 4;

  private static final byte DATA = 0;
  private static final byte DELETES = 1;
  private static final byte FALLBACK_DELETES = 2;

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
    return serialize(manifests, schemaJson, CommittedFileRefs.NONE);
  }

  /**
   * The current form of {@code manifests}.
   *
   * @param schemaJson the evolved schema the files were written with, or null for the table's own
   * @param refs the committed data files the position deletes refer to
   */
  static byte[] serialize(
      List<PendingManifest> manifests, String schemaJson, CommittedFileRefs refs) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(128 * (manifests.size() + 1));
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(VERSION);
      out.writeInt(manifests.size());
      for (PendingManifest manifest : manifests) {
        out.writeByte(
            switch (manifest.content()) {
              case DATA -> DATA;
              case DELETES -> DELETES;
              case FALLBACK_DELETES -> FALLBACK_DELETES;
            });
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
      out.writeInt(refs.dataFiles().size());
      for (String file : refs.dataFiles()) {
        writeString(out, file);
      }
      out.writeLong(refs.oldestCheckpoint());
      out.writeLong(refs.loadedSnapshot());
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

  /** The committed data files the committable's position deletes refer to. */
  static CommittedFileRefs refs(byte[] bytes) {
    return read(bytes).refs();
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(utf8.length);
    out.write(utf8);
  }

  private static String readString(DataInputStream in, int totalBytes) throws IOException {
    int length = in.readInt();
    if (length < 0 || length > totalBytes) {
      throw new IOException("bad string length " + length);
    }
    byte[] utf8 = new byte[length];
    in.readFully(utf8);
    return new String(utf8, StandardCharsets.UTF_8);
  }

  private record Contents(
      List<PendingManifest> manifests, String schemaJson, CommittedFileRefs refs) {}

  private static Contents read(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      int version = in.readInt();
      List<PendingManifest> manifests;
      if (version == 1) {
        manifests = List.of(readManifest(in, PendingManifest.Content.DATA, bytes.length));
      } else if (version >= 2 && version <= 4) {
        int count = in.readInt();
        if (count < 0 || count > bytes.length) {
          throw new IOException("bad manifest count " + count);
        }
        manifests = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
          byte content = in.readByte();
          PendingManifest.Content kind =
              switch (content) {
                case DATA -> PendingManifest.Content.DATA;
                case DELETES -> PendingManifest.Content.DELETES;
                case FALLBACK_DELETES -> {
                  if (version < 4) {
                    throw new IOException("bad manifest content " + content);
                  }
                  yield PendingManifest.Content.FALLBACK_DELETES;
                }
                default -> throw new IOException("bad manifest content " + content);
              };
          manifests.add(readManifest(in, kind, bytes.length));
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
      if (version >= 3 && in.readBoolean()) {
        schemaJson = readString(in, bytes.length);
      }
      CommittedFileRefs refs = CommittedFileRefs.NONE;
      if (version == 4) {
        int count = in.readInt();
        if (count < 0 || count > bytes.length) {
          throw new IOException("bad file count " + count);
        }
        java.util.Set<String> files = new java.util.HashSet<>();
        for (int i = 0; i < count; i++) {
          files.add(readString(in, bytes.length));
        }
        refs = new CommittedFileRefs(in.readLong(), in.readLong(), files);
      }
      if (in.available() > 0) {
        throw new IOException(in.available() + " trailing bytes");
      }
      return new Contents(manifests, schemaJson, refs);
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
