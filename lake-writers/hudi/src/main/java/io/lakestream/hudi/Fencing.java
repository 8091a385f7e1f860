package io.lakestream.hudi;

import io.lakestream.catalog.CommitMetadata;
import io.lakestream.core.error.PipelineException;
import io.lakestream.core.spec.WriterId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The fencing epochs of one writer in one Hudi table. Hudi has no table property that can be
 * compared and swapped, so an epoch is an empty file {@code <epoch>} in the writer's directory
 * {@code .hoodie/lakestream/fence/<lakestream.epoch.pipeline[/writer]>}: creating a file that does
 * not exist yet is atomic on every Hadoop file system, so two instances fencing at once get
 * different epochs, and the highest file is the owner's.
 */
final class Fencing {
  private static final int ATTEMPTS = 10;

  private final FileSystem fs;
  private final Path dir;
  private final WriterId writer;
  private final String table;

  Fencing(FileSystem fs, String basePath, WriterId writer, String table) {
    this.fs = fs;
    this.dir =
        new Path(
            new Path(basePath, HudiTable.LAKESTREAM_DIR + "/fence"),
            URLEncoder.encode(CommitMetadata.epochProperty(writer), StandardCharsets.UTF_8));
    this.writer = writer;
    this.table = table;
  }

  /** The owner's epoch, or null if the writer never fenced this table. */
  Long current() {
    try {
      if (!fs.exists(dir)) {
        return null;
      }
      Long highest = null;
      for (FileStatus f : fs.listStatus(dir)) {
        long epoch = Long.parseLong(f.getPath().getName());
        highest = highest == null ? epoch : Math.max(highest, epoch);
      }
      return highest;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the fencing epochs in " + dir, e);
    }
  }

  /** Records the next epoch and returns it; older epochs' files are removed. */
  long next() {
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      Long current = current();
      long next = current == null ? 1 : current + 1;
      try {
        fs.create(new Path(dir, Long.toString(next)), false).close();
        if (current != null) {
          fs.delete(new Path(dir, Long.toString(current)), false);
        }
        return next;
      } catch (FileAlreadyExistsException e) {
        continue; // another instance took this epoch first
      } catch (IOException e) {
        if (e.getMessage() != null && e.getMessage().contains("already exists")) {
          continue;
        }
        throw new UncheckedIOException("Cannot record a fencing epoch in " + dir, e);
      }
    }
    throw new PipelineException(
        "Cannot fence "
            + writer.describe()
            + " in Hudi table "
            + table
            + ": other instances changed its epoch "
            + ATTEMPTS
            + " times in a row; is the pipeline started more than once?");
  }
}
