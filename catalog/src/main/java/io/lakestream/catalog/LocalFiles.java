package io.lakestream.catalog;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsAction;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * Hadoop's local file system for {@code file:} warehouses, without a process per file. Without
 * Hadoop's native library, {@link RawLocalFileSystem} sets the permissions of every file it creates
 * by starting a {@code chmod} process; a checkpoint of a table with many partitions creates
 * hundreds of files (and their checksum files), and spent most of its time forking. Here
 * permissions are set through {@code java.nio}, in the process.
 */
public final class LocalFiles extends LocalFileSystem {

  public LocalFiles() {
    super(new NioPermissions());
  }

  /** Makes {@code conf} use this file system for {@code file:} paths. */
  public static Configuration configure(Configuration conf) {
    conf.set("fs.file.impl", LocalFiles.class.getName());
    return conf;
  }

  /** The raw file system, with permissions set in the process. */
  static final class NioPermissions extends RawLocalFileSystem {
    @Override
    public void setPermission(Path p, FsPermission permission) throws IOException {
      Files.setPosixFilePermissions(pathToFile(p).toPath(), posix(permission));
    }
  }

  static Set<PosixFilePermission> posix(FsPermission permission) {
    Set<PosixFilePermission> result = EnumSet.noneOf(PosixFilePermission.class);
    add(result, permission.getUserAction(), 0);
    add(result, permission.getGroupAction(), 3);
    add(result, permission.getOtherAction(), 6);
    return result;
  }

  private static void add(Set<PosixFilePermission> result, FsAction action, int first) {
    // PosixFilePermission lists owner, group and others as read, write, execute in that order
    PosixFilePermission[] all = PosixFilePermission.values();
    if (action.implies(FsAction.READ)) {
      result.add(all[first]);
    }
    if (action.implies(FsAction.WRITE)) {
      result.add(all[first + 1]);
    }
    if (action.implies(FsAction.EXECUTE)) {
      result.add(all[first + 2]);
    }
  }
}
