package io.lakestream.compaction;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.LongStream;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileContent;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.ManifestFiles;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RewritePositionDeletesTest {
  @TempDir Path dir;

  private final List<String> progress = new ArrayList<>();

  @Test
  void combinesThePositionDeleteFilesOfEachPartitionAndKeepsEveryDelete() throws Exception {
    try (TestTable t = new TestTable(dir)) {
      DataFile a = t.append(0, 10, 0);
      DataFile b = t.append(10, 20, 0);
      DataFile c = t.append(100, 110, 1);
      t.table.newRowDelta().addDeletes(t.positionDeletes(a, 0, 5)).commit();
      t.table.newRowDelta().addDeletes(t.positionDeletes(b, 1)).commit();
      t.table.newRowDelta().addDeletes(t.positionDeletes(a, 9)).commit();
      t.table.newRowDelta().addDeletes(t.positionDeletes(c, 2)).commit();
      SortedSet<Long> expected = range(0, 20);
      expected.addAll(range(100, 110));
      expected.removeAll(List.of(0L, 5L, 11L, 9L, 102L));

      ActionResult result =
          new RewritePositionDeletes(2, Clock.systemUTC()).run(t.table, false, progress::add);

      assertThat(TestTable.ids(t.table)).isEqualTo(expected);
      assertThat(positionDeleteFilesByPartition(t.table)).isEqualTo(Map.of(0, 1, 1, 1));
      assertThat(result.counts())
          .containsEntry("partitions-rewritten", 1L)
          .containsEntry("partitions-skipped", 0L)
          .containsEntry("delete-files-rewritten", 3L)
          .containsEntry("delete-files-added", 1L)
          .containsEntry("deletes-kept", 4L)
          .containsEntry("deletes-dropped", 0L)
          .containsEntry("dangling-files-removed", 0L);
      assertThat(progress).hasSize(1);
    }
  }

  @Test
  void dropsPositionDeletesWhoseDataFileWasRewritten() throws Exception {
    try (TestTable t = new TestTable(dir)) {
      DataFile a = t.append(0, 10, 0);
      t.append(10, 20, 0);
      t.table.newRowDelta().addDeletes(t.positionDeletes(a, 3)).commit();
      new RewriteDataFiles(0, 2, 1, Clock.systemUTC()).run(t.table, false, progress::add);
      SortedSet<Long> expected = range(0, 20);
      expected.remove(3L);
      assertThat(TestTable.ids(t.table)).isEqualTo(expected);
      assertThat(positionDeleteFilesByPartition(t.table))
          .as("the rewrite leaves the applied delete file listed")
          .isEqualTo(Map.of(0, 1));

      ActionResult result =
          new RewritePositionDeletes(5, Clock.systemUTC()).run(t.table, false, progress::add);

      assertThat(positionDeleteFilesByPartition(t.table)).isEmpty();
      assertThat(TestTable.ids(t.table)).isEqualTo(expected);
      assertThat(result.counts())
          .containsEntry("dangling-files-removed", 1L)
          .containsEntry("deletes-dropped", 1L)
          .containsEntry("delete-files-added", 0L);
    }
  }

  @Test
  void aDryRunCountsAndChangesNothing() throws Exception {
    try (TestTable t = new TestTable(dir)) {
      DataFile a = t.append(0, 10, 0);
      t.table.newRowDelta().addDeletes(t.positionDeletes(a, 1)).commit();
      t.table.newRowDelta().addDeletes(t.positionDeletes(a, 2)).commit();
      long snapshot = t.table.currentSnapshot().snapshotId();

      ActionResult result =
          new RewritePositionDeletes(2, Clock.systemUTC()).run(t.table, true, progress::add);

      t.table.refresh();
      assertThat(t.table.currentSnapshot().snapshotId()).isEqualTo(snapshot);
      assertThat(result.dryRun()).isTrue();
      assertThat(result.counts())
          .containsEntry("delete-files-rewritten", 2L)
          .containsEntry("delete-files-added", 1L)
          .containsEntry("deletes-kept", 2L);
    }
  }

  @Test
  void aPartitionWhoseDeleteFilesChangedMeanwhileIsSkipped() throws Exception {
    try (TestTable t = new TestTable(dir)) {
      DataFile a = t.append(0, 10, 0);
      DeleteFile first = t.positionDeletes(a, 1);
      t.table.newRowDelta().addDeletes(first).commit();
      t.table.newRowDelta().addDeletes(t.positionDeletes(a, 2)).commit();
      Table other = t.load();
      List<Path> before = parquetFiles(dir);

      // another maintainer removes one of the files between this action's plan and its commit
      ActionResult result =
          new RewritePositionDeletes(2, Clock.systemUTC())
              .run(
                  t.table,
                  false,
                  line ->
                      other
                          .newRewrite()
                          .rewriteFiles(Set.of(), Set.of(first), Set.of(), Set.of())
                          .commit());

      assertThat(result.counts())
          .containsEntry("partitions-skipped", 1L)
          .containsEntry("partitions-rewritten", 0L);
      SortedSet<Long> expected = range(0, 10);
      expected.remove(2L);
      assertThat(TestTable.ids(t.table)).isEqualTo(expected);
      assertThat(positionDeleteFilesByPartition(t.table)).isEqualTo(Map.of(0, 1));
      assertThat(parquetFiles(dir))
          .as("the skipped partition's new file is deleted")
          .isEqualTo(before);
    }
  }

  private static List<Path> parquetFiles(Path dir) {
    try (var files = Files.walk(dir)) {
      return files.filter(f -> f.toString().endsWith(".parquet")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static SortedSet<Long> range(long from, long to) {
    SortedSet<Long> ids = new TreeSet<>();
    LongStream.range(from, to).forEach(ids::add);
    return ids;
  }

  /** Live position-delete files of the current snapshot, counted by partition value. */
  static Map<Integer, Integer> positionDeleteFilesByPartition(Table table) {
    table.refresh();
    Map<Integer, Integer> counts = new HashMap<>();
    for (ManifestFile m : table.currentSnapshot().deleteManifests(table.io())) {
      try (CloseableIterable<DeleteFile> files =
          ManifestFiles.readDeleteManifest(m, table.io(), table.specs())) {
        for (DeleteFile f : files) {
          if (f.content() == FileContent.POSITION_DELETES) {
            counts.merge(f.partition().get(0, Integer.class), 1, Integer::sum);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return counts;
  }
}
