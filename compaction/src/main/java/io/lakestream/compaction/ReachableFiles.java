package io.lakestream.compaction;

import io.lakestream.iceberg.PendingManifests;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.HashSet;
import java.util.Set;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.iceberg.ContentFile;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.ManifestFiles;
import org.apache.iceberg.ManifestReader;
import org.apache.iceberg.ReachableFileUtil;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.FileIO;

/**
 * The files a table still needs, by path (scheme and authority dropped, so {@code file:/x} and
 * {@code /x} are one file): every metadata file, manifest list, manifest, statistics file, data and
 * delete file of every snapshot the table has, and every pending manifest of a lakestream
 * checkpoint with the files it lists, which the checkpoint's commit will add.
 */
final class ReachableFiles {
  private final Set<String> paths = new HashSet<>();

  boolean contains(String location) {
    return paths.contains(path(location));
  }

  /**
   * Adds a pending manifest and the data and delete files it lists.
   *
   * @throws UncheckedIOException if the manifest exists but cannot be read
   */
  void addPendingManifest(FileIO io, String location) {
    add(location);
    try (InputStream in = io.newInputFile(location).newStream();
        DataFileStream<GenericRecord> entries =
            new DataFileStream<>(in, new GenericDatumReader<>())) {
      for (GenericRecord entry : entries) {
        add(((GenericRecord) entry.get("data_file")).get("file_path").toString());
      }
    } catch (org.apache.iceberg.exceptions.NotFoundException e) {
      // committed and deleted meanwhile: its files are in the table's metadata, read after this
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read pending manifest " + location, e);
    }
  }

  /** Adds everything {@code table}'s current metadata references. */
  void addTable(Table table) {
    FileIO io = table.io();
    ReachableFileUtil.metadataFileLocations(table, true).forEach(this::add);
    add(ReachableFileUtil.versionHintLocation(table));
    ReachableFileUtil.manifestListLocations(table).forEach(this::add);
    ReachableFileUtil.statisticsFilesLocations(table).forEach(this::add);
    table.partitionStatisticsFiles().forEach(f -> add(f.path()));
    Set<String> manifests = new HashSet<>();
    for (Snapshot snapshot : table.snapshots()) {
      for (ManifestFile manifest : snapshot.allManifests(io)) {
        if (manifests.add(manifest.path())) {
          add(manifest.path());
          addContent(table, manifest);
        }
      }
    }
  }

  private void addContent(Table table, ManifestFile manifest) {
    try (ManifestReader<? extends ContentFile<?>> reader =
        switch (manifest.content()) {
          case DATA -> ManifestFiles.read(manifest, table.io(), table.specs());
          case DELETES -> ManifestFiles.readDeleteManifest(manifest, table.io(), table.specs());
        }) {
      for (ContentFile<?> file : reader) {
        add(file.location());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read manifest " + manifest.path(), e);
    }
  }

  private void add(String location) {
    paths.add(path(location));
  }

  static String path(String location) {
    URI uri = URI.create(location.replace(" ", "%20"));
    return uri.getScheme() == null ? location : uri.getPath();
  }

  /** Whether a file name is a lakestream pending manifest's. */
  static boolean isPendingManifest(String location) {
    String name = location.substring(location.lastIndexOf('/') + 1);
    return name.startsWith(PendingManifests.PREFIX);
  }
}
