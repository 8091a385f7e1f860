package io.lakestream.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalFilesTest {
  @TempDir Path dir;

  @Test
  void catalogsWriteLocalFilesThroughTheInProcessFileSystem() throws Exception {
    FileSystem fs = FileSystem.newInstance(dir.toUri(), LocalFiles.configure(new Configuration()));

    assertThat(fs).isInstanceOf(LocalFiles.class);
    org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(dir.toUri() + "/a.parquet");
    try (FSDataOutputStream out = fs.create(file)) {
      out.write(42);
    }
    assertThat(Files.readAllBytes(dir.resolve("a.parquet"))).containsExactly(42);
    fs.close();
  }

  @Test
  void setsEveryPermissionBitAsAsked() throws Exception {
    Path file = Files.createFile(dir.resolve("f"));
    try (FileSystem fs = new LocalFiles()) {
      fs.initialize(dir.toUri(), new Configuration());
      for (String bits : new String[] {"rw-r-----", "rwxr-xr-x", "r--------", "-w---x-wx"}) {
        fs.setPermission(
            new org.apache.hadoop.fs.Path(file.toUri()), FsPermission.valueOf("-" + bits));

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
            .isEqualTo(bits);
      }
    }
  }
}
