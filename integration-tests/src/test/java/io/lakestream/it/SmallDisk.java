package io.lakestream.it;

import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A small real file system (tmpfs) mounted on a directory, to fill up under a running pipeline.
 * Needs root, as CI and the development machines have; elsewhere the test is skipped and says why.
 */
final class SmallDisk implements AutoCloseable {
  private final Path mountPoint;
  private final Path filler;

  private SmallDisk(Path mountPoint) {
    this.mountPoint = mountPoint;
    this.filler = mountPoint.resolve("filler.bin");
  }

  /** Mounts a tmpfs of {@code megabytes} on {@code mountPoint}, creating the directory. */
  static SmallDisk mount(Path mountPoint, int megabytes) throws IOException, InterruptedException {
    Files.createDirectories(mountPoint);
    int exit =
        run(
            "mount",
            "-t",
            "tmpfs",
            "-o",
            "size=" + megabytes + "m",
            "tmpfs",
            mountPoint.toString());
    assumeThat(exit).as("mounting a tmpfs needs root").isZero();
    return new SmallDisk(mountPoint);
  }

  /** Takes {@code megabytes} of the disk with a file that {@link #free} removes. */
  void fill(int megabytes) throws IOException {
    byte[] block = new byte[1 << 20];
    try (OutputStream out = Files.newOutputStream(filler)) {
      for (int i = 0; i < megabytes; i++) {
        out.write(block);
      }
    }
  }

  /** Takes every byte left on the disk. */
  void fillAll() throws IOException {
    byte[] block = new byte[4096];
    try (OutputStream out = Files.newOutputStream(filler)) {
      while (true) {
        out.write(block);
      }
    } catch (IOException e) {
      if (!String.valueOf(e.getMessage()).contains("No space left on device")) {
        throw e;
      }
    }
  }

  /** Removes what {@link #fill} wrote. */
  void free() throws IOException {
    Files.deleteIfExists(filler);
  }

  @Override
  public void close() throws IOException, InterruptedException {
    if (run("umount", "-l", mountPoint.toString()) != 0) {
      throw new IOException("Cannot unmount the test's tmpfs at " + mountPoint);
    }
  }

  private static int run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(List.of(command)).inheritIO().start();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return -1;
    }
    return p.exitValue();
  }
}
