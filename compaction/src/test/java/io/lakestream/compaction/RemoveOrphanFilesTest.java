package io.lakestream.compaction;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.ManifestFiles;
import org.apache.iceberg.ManifestWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RemoveOrphanFilesTest {
  @TempDir Path dir;

  private static Path local(String location) {
    return Path.of(java.net.URI.create(location));
  }

  private static void old(Path file) throws Exception {
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(Duration.ofDays(2))));
  }

  @Test
  void removesOldUnreferencedFilesAndKeepsPendingCheckpointsAndYoungFiles() throws Exception {
    try (TestTable t = new TestTable(dir)) {
      t.append(0, 10, 0);
      t.append(10, 20, 1);
      Path data = local(t.table.location()).resolve("data");
      Path orphan = Files.writeString(data.resolve("orphan.parquet"), "x");
      Path young = Files.writeString(data.resolve("being-written.parquet"), "x");
      // a persisted checkpoint not yet committed: its pending manifest and the file it lists
      DataFile pendingFile = t.dataFile(20, 30, 0);
      String manifest =
          ((HasTableOperations) t.table)
              .operations()
              .metadataFileLocation(
                  "lakestream-pending-default-9-0-data-" + UUID.randomUUID() + ".avro");
      ManifestWriter<DataFile> writer =
          ManifestFiles.write(2, t.table.spec(), t.table.io().newOutputFile(manifest), 0L);
      try (writer) {
        writer.add(pendingFile);
      }
      // everything but the file being written is old
      try (var files = Files.walk(local(t.table.location()))) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          if (!f.equals(young)) {
            old(f);
          }
        }
      }

      ActionResult result =
          new RemoveOrphanFiles(Duration.ofHours(1), Clock.systemUTC())
              .run(t.table, false, line -> {});

      assertThat(orphan).doesNotExist();
      assertThat(young).exists();
      assertThat(local(manifest)).exists();
      assertThat(local(pendingFile.location())).exists();
      assertThat(result.count("files-removed")).isEqualTo(1);
      assertThat(result.count("bytes-removed")).isEqualTo(1);
      assertThat(TestTable.ids(t.table)).hasSize(20);
    }
  }
}
