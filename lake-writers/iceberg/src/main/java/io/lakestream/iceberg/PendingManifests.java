package io.lakestream.iceberg;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.iceberg.ContentFile;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.ManifestContent;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.ManifestFiles;
import org.apache.iceberg.ManifestReader;
import org.apache.iceberg.ManifestWriter;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.TableOperations;
import org.apache.iceberg.io.FileIO;

/**
 * Writes the data files and the delete files of a checkpoint into manifests in the table's metadata
 * directory (one for each kind), and reads them back when the checkpoint is committed. The
 * committable then stays small however many files a checkpoint has.
 *
 * <p>Pending manifests are named {@code lakestream-pending-*.avro}. They are not part of the table
 * until committed (the commit writes its own manifests), so the committer deletes them after a
 * confirmed commit; maintenance must not delete one a persisted checkpoint still references.
 */
public final class PendingManifests {
  /** File name prefix of pending manifests. */
  public static final String PREFIX = "lakestream-pending-";

  /**
   * The snapshot id written into pending manifests. Iceberg reads only manifests that carry one;
   * committed files get the committing snapshot's id, never this one.
   */
  private static final long PLACEHOLDER_SNAPSHOT_ID = 0L;

  private PendingManifests() {}

  /**
   * Writes data {@code files} (all of {@code spec}) into a new pending manifest.
   *
   * @throws UncheckedIOException if the manifest cannot be written
   */
  static PendingManifest write(
      TableOperations ops,
      int formatVersion,
      PartitionSpec spec,
      List<DataFile> files,
      String writerName,
      long checkpointId,
      int taskId) {
    String location = ops.metadataFileLocation(name(writerName, checkpointId, taskId, "data"));
    ManifestWriter<DataFile> writer =
        ManifestFiles.write(
            formatVersion, spec, ops.io().newOutputFile(location), PLACEHOLDER_SNAPSHOT_ID);
    return writeAll(writer, files, location, PendingManifest.Content.DATA);
  }

  /**
   * Writes delete {@code files} (all of {@code spec}) into a new pending delete manifest.
   *
   * @param content {@link PendingManifest.Content#DELETES} or {@link
   *     PendingManifest.Content#FALLBACK_DELETES}
   * @throws UncheckedIOException if the manifest cannot be written
   */
  static PendingManifest writeDeletes(
      TableOperations ops,
      int formatVersion,
      PartitionSpec spec,
      List<DeleteFile> files,
      String writerName,
      long checkpointId,
      int taskId,
      PendingManifest.Content content) {
    String location =
        ops.metadataFileLocation(
            name(
                writerName,
                checkpointId,
                taskId,
                content == PendingManifest.Content.DELETES ? "deletes" : "fallback"));
    ManifestWriter<DeleteFile> writer =
        ManifestFiles.writeDeleteManifest(
            formatVersion, spec, ops.io().newOutputFile(location), PLACEHOLDER_SNAPSHOT_ID);
    return writeAll(writer, files, location, content);
  }

  private static String name(String writerName, long checkpointId, int taskId, String kind) {
    return PREFIX
        + writerName.replaceAll("[^A-Za-z0-9_-]", "_")
        + "-"
        + checkpointId
        + "-"
        + taskId
        + "-"
        + kind
        + "-"
        + UUID.randomUUID()
        + ".avro";
  }

  private static <F extends ContentFile<F>> PendingManifest writeAll(
      ManifestWriter<F> writer, List<F> files, String location, PendingManifest.Content content) {
    long records = 0;
    try (writer) {
      for (F file : files) {
        writer.add(file);
        records += file.recordCount();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write pending manifest " + location, e);
    }
    ManifestFile written = writer.toManifestFile();
    return new PendingManifest(
        content,
        written.path(),
        written.length(),
        written.partitionSpecId(),
        records,
        files.size());
  }

  /**
   * The data files a pending data manifest lists.
   *
   * @throws UncheckedIOException if the manifest cannot be read
   */
  static List<DataFile> read(
      PendingManifest manifest, FileIO io, Map<Integer, PartitionSpec> specsById) {
    List<DataFile> files = new ArrayList<>(manifest.fileCount());
    try (ManifestReader<DataFile> reader =
        ManifestFiles.read(new AsManifestFile(manifest), io, specsById)) {
      for (DataFile file : reader) {
        files.add(file.copy());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read pending manifest " + manifest.path(), e);
    }
    return files;
  }

  /**
   * The delete files a pending delete manifest lists.
   *
   * @throws UncheckedIOException if the manifest cannot be read
   */
  static List<DeleteFile> readDeletes(
      PendingManifest manifest, FileIO io, Map<Integer, PartitionSpec> specsById) {
    List<DeleteFile> files = new ArrayList<>(manifest.fileCount());
    try (ManifestReader<DeleteFile> reader =
        ManifestFiles.readDeleteManifest(new AsManifestFile(manifest), io, specsById)) {
      for (DeleteFile file : reader) {
        files.add(file.copy());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read pending manifest " + manifest.path(), e);
    }
    return files;
  }

  /** Deletes a pending manifest; a missing one is fine. */
  static void delete(PendingManifest manifest, FileIO io) {
    io.deleteFile(manifest.path());
  }

  /** What Iceberg's manifest reader needs to know about a pending manifest. */
  private record AsManifestFile(PendingManifest manifest) implements ManifestFile {
    @Override
    public String path() {
      return manifest.path();
    }

    @Override
    public long length() {
      return manifest.length();
    }

    @Override
    public int partitionSpecId() {
      return manifest.specId();
    }

    @Override
    public ManifestContent content() {
      return manifest.content() == PendingManifest.Content.DATA
          ? ManifestContent.DATA
          : ManifestContent.DELETES;
    }

    @Override
    public long sequenceNumber() {
      return 0;
    }

    @Override
    public long minSequenceNumber() {
      return 0;
    }

    @Override
    public Long snapshotId() {
      return PLACEHOLDER_SNAPSHOT_ID;
    }

    @Override
    public Integer addedFilesCount() {
      return manifest.fileCount();
    }

    @Override
    public Long addedRowsCount() {
      return manifest.recordCount();
    }

    @Override
    public Integer existingFilesCount() {
      return 0;
    }

    @Override
    public Long existingRowsCount() {
      return 0L;
    }

    @Override
    public Integer deletedFilesCount() {
      return 0;
    }

    @Override
    public Long deletedRowsCount() {
      return 0L;
    }

    @Override
    public List<PartitionFieldSummary> partitions() {
      return null;
    }

    @Override
    public ManifestFile copy() {
      return this;
    }
  }
}
