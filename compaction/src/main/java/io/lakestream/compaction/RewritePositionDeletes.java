package io.lakestream.compaction;

import io.lakestream.core.error.PipelineException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.iceberg.ContentFile;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileContent;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.ManifestFiles;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.RewriteFiles;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericFileWriterFactory;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.deletes.PositionDelete;
import org.apache.iceberg.deletes.PositionDeleteWriter;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DeleteSchemaUtil;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.util.ContentFileUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Combines the small position-delete files of each partition into one, and drops position deletes
 * that point at data files the table no longer has (dangling: their data file was rewritten or
 * removed), so scans open fewer delete files. Equality deletes and deletion vectors are left alone;
 * only Parquet position-delete files are read.
 *
 * <ul>
 *   <li>A partition is rewritten when it has at least {@code minInputFiles} position-delete files:
 *       their rows that point at live data files are written, sorted by file and position as the
 *       spec requires, into one new file. A delete file whose only data file is gone (Iceberg
 *       records it in the file's bounds) is dropped in any partition without being read.
 *   <li>Each partition commits on its own ({@link RewriteFiles}), validated from the snapshot the
 *       action started from. The new file takes the largest data sequence number of the files it
 *       replaces, so it applies to exactly the data files they applied to. A delete file that a
 *       writer or another rewrite removed meanwhile fails validation: that partition is skipped and
 *       its new file deleted.
 *   <li>A new position delete committed by a writer meanwhile is a file of its own and is not
 *       touched.
 * </ul>
 *
 * <p>A partition's delete rows are sorted in memory; position-delete files are small by nature (two
 * columns), and lakestream's own come from backfill publishes and other engines' deletes.
 */
public final class RewritePositionDeletes implements MaintenanceAction {
  private static final Logger LOG = LoggerFactory.getLogger(RewritePositionDeletes.class);
  private static final Schema PATH_POS = DeleteSchemaUtil.pathPosSchema();

  private final int minInputFiles;
  private final Clock clock;

  /**
   * @param minInputFiles the fewest position-delete files of one partition worth combining, at
   *     least 1
   * @throws IllegalArgumentException if {@code minInputFiles} is below 1
   */
  public RewritePositionDeletes(int minInputFiles, Clock clock) {
    if (minInputFiles < 1) {
      throw new IllegalArgumentException("min-input-files must be at least 1: " + minInputFiles);
    }
    this.minInputFiles = minInputFiles;
    this.clock = clock;
  }

  @Override
  public String name() {
    return "rewrite-position-deletes";
  }

  @Override
  public ActionResult run(Table table, boolean dryRun, Consumer<String> progress) {
    long start = clock.millis();
    table.refresh();
    Snapshot from = table.currentSnapshot();
    Counts counts = new Counts();
    if (from != null) {
      Set<String> live = liveDataFiles(table, from);
      Map<String, List<DeleteFile>> byPartition = positionDeletes(table, from);
      int index = 0;
      for (Map.Entry<String, List<DeleteFile>> e : byPartition.entrySet()) {
        index++;
        List<DeleteFile> dangling = new ArrayList<>();
        List<DeleteFile> others = new ArrayList<>();
        for (DeleteFile f : e.getValue()) {
          String only = ContentFileUtil.referencedDataFileLocation(f);
          (only != null && !live.contains(only) ? dangling : others).add(f);
        }
        List<DeleteFile> combined = others.size() >= minInputFiles ? others : List.of();
        if (dangling.isEmpty() && combined.isEmpty()) {
          continue;
        }
        progress.accept(
            String.format(
                "%s %s: partition %d of %d (%s): %d files to combine, %d dangling",
                name(),
                table.name(),
                index,
                byPartition.size(),
                e.getKey(),
                combined.size(),
                dangling.size()));
        rewrite(table, from, live, dangling, combined, dryRun, counts);
      }
    }
    return new ActionResult(
        name(), table.name(), dryRun, counts.asMap(), Duration.ofMillis(clock.millis() - start));
  }

  private void rewrite(
      Table table,
      Snapshot from,
      Set<String> live,
      List<DeleteFile> dangling,
      List<DeleteFile> combined,
      boolean dryRun,
      Counts counts) {
    List<Record> kept = new ArrayList<>();
    long dropped = 0;
    for (DeleteFile f : combined) {
      for (Record row : read(table, f)) {
        if (live.contains((String) row.getField("file_path"))) {
          kept.add(row);
        } else {
          dropped++;
        }
      }
    }
    if (dryRun) {
      counts.done(dangling, combined, kept.size(), dropped, null);
      return;
    }
    DeleteFile added = kept.isEmpty() ? null : write(table, combined.get(0), kept);
    RewriteFiles rewrite = table.newRewrite().validateFromSnapshot(from.snapshotId());
    dangling.forEach(rewrite::deleteFile);
    combined.forEach(rewrite::deleteFile);
    if (added != null) {
      long sequence =
          combined.stream().mapToLong(ContentFile::dataSequenceNumber).max().orElseThrow();
      rewrite.addFile(added, sequence);
    }
    try {
      rewrite.commit();
    } catch (ValidationException | CommitFailedException e) {
      LOG.warn("Skipped position deletes of table {}: {}", table.name(), e.getMessage());
      if (added != null) {
        table.io().deleteFile(added.location());
      }
      counts.skipped++;
      return;
    } catch (CommitStateUnknownException e) {
      throw new PipelineException(
          "Cannot tell whether a rewrite of the position deletes of table "
              + table.name()
              + " committed ("
              + e.getMessage()
              + "); its new file is kept. Run maintain again: what the table holds decides, and"
              + " remove-orphan-files later deletes the file if it did not commit",
          e);
    }
    counts.done(dangling, combined, kept.size(), dropped, added);
  }

  private static List<Record> read(Table table, DeleteFile file) {
    List<Record> rows = new ArrayList<>();
    try (CloseableIterable<Record> in =
        Parquet.read(table.io().newInputFile(file.location()))
            .project(PATH_POS)
            .createReaderFunc(s -> GenericParquetReaders.buildReader(PATH_POS, s))
            .build()) {
      in.forEach(r -> rows.add(r.copy()));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read position deletes " + file.location(), e);
    }
    return rows;
  }

  /** One sorted position-delete file in the partition of {@code like}. */
  private static DeleteFile write(Table table, DeleteFile like, List<Record> rows) {
    rows.sort(
        Comparator.comparing((Record r) -> (String) r.getField("file_path"))
            .thenComparingLong(r -> (Long) r.getField("pos")));
    PartitionSpec spec = table.specs().get(like.specId());
    OutputFileFactory files =
        OutputFileFactory.builderFor(table, like.specId(), 0)
            .format(FileFormat.PARQUET)
            .operationId("rewrite-deletes-" + UUID.randomUUID())
            .build();
    PositionDeleteWriter<Record> writer =
        new GenericFileWriterFactory.Builder(table)
            .deleteFileFormat(FileFormat.PARQUET)
            .build()
            .newPositionDeleteWriter(
                files.newOutputFile(spec, like.partition()), spec, like.partition());
    PositionDelete<Record> delete = PositionDelete.create();
    try (writer) {
      for (Record r : rows) {
        writer.write(delete.set((String) r.getField("file_path"), (Long) r.getField("pos")));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write position deletes of " + table.name(), e);
    }
    return writer.toDeleteFile();
  }

  private static Set<String> liveDataFiles(Table table, Snapshot snapshot) {
    Set<String> live = new HashSet<>();
    for (ManifestFile m : snapshot.dataManifests(table.io())) {
      try (CloseableIterable<DataFile> files = ManifestFiles.read(m, table.io(), table.specs())) {
        files.forEach(f -> live.add(f.location()));
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read manifest " + m.path(), e);
      }
    }
    return live;
  }

  /** The snapshot's Parquet position-delete files, by partition. */
  private static Map<String, List<DeleteFile>> positionDeletes(Table table, Snapshot snapshot) {
    Map<String, List<DeleteFile>> byPartition = new LinkedHashMap<>();
    for (ManifestFile m : snapshot.deleteManifests(table.io())) {
      try (CloseableIterable<DeleteFile> files =
          ManifestFiles.readDeleteManifest(m, table.io(), table.specs())) {
        for (DeleteFile f : files) {
          if (f.content() == FileContent.POSITION_DELETES && f.format() == FileFormat.PARQUET) {
            String key =
                f.specId() + ":" + table.specs().get(f.specId()).partitionToPath(f.partition());
            byPartition.computeIfAbsent(key, k -> new ArrayList<>()).add(f.copy());
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read manifest " + m.path(), e);
      }
    }
    return byPartition;
  }

  /** What the action counts. */
  private static final class Counts {
    long partitions;
    long skipped;
    long filesRewritten;
    long bytesRewritten;
    long danglingRemoved;
    long filesAdded;
    long bytesAdded;
    long deletesKept;
    long deletesDropped;

    void done(
        List<DeleteFile> dangling,
        List<DeleteFile> combined,
        long kept,
        long dropped,
        DeleteFile added) {
      partitions++;
      filesRewritten += combined.size();
      bytesRewritten += combined.stream().mapToLong(ContentFile::fileSizeInBytes).sum();
      danglingRemoved += dangling.size();
      deletesKept += kept;
      deletesDropped += dropped + dangling.stream().mapToLong(ContentFile::recordCount).sum();
      if (added != null) {
        filesAdded++;
        bytesAdded += added.fileSizeInBytes();
      } else if (kept > 0) {
        filesAdded++; // a dry run: the file it would write
      }
    }

    Map<String, Long> asMap() {
      Map<String, Long> map = new LinkedHashMap<>();
      map.put("partitions-rewritten", partitions);
      map.put("partitions-skipped", skipped);
      map.put("delete-files-rewritten", filesRewritten);
      map.put("bytes-rewritten", bytesRewritten);
      map.put("dangling-files-removed", danglingRemoved);
      map.put("delete-files-added", filesAdded);
      map.put("bytes-added", bytesAdded);
      map.put("deletes-kept", deletesKept);
      map.put("deletes-dropped", deletesDropped);
      return map;
    }
  }
}
