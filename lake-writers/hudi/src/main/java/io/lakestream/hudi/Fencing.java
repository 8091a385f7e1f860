package io.lakestream.hudi;

import io.lakestream.catalog.CommitMetadata;
import io.lakestream.core.error.PipelineException;
import io.lakestream.core.spec.WriterId;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The fencing epochs of one writer in one Hudi table. Hudi has no table property that can be
 * compared and swapped, so an epoch is an empty file {@code <epoch>} in the writer's directory
 * {@code .hoodie/lakestream/fence/<lakestream.epoch.pipeline[/writer]>}, and the highest file is
 * the owner's.
 *
 * <p>Claiming epoch {@code n} is a compare-and-swap built from create-if-absent:
 *
 * <ul>
 *   <li>The file {@code n} is created only if it does not exist, atomically: on the local file
 *       system with {@link Files#createFile} ({@code O_EXCL}; Hadoop's local file system checks and
 *       then creates, which two instances can both pass), elsewhere with {@code
 *       FileSystem.create(path, overwrite=false)}, atomic on HDFS, ABFS and GCS, and on S3 only
 *       where S3A sends it as a conditional write (docs/sinks/hudi.md).
 *   <li>The claim holds only if {@code n} is still the highest epoch after the file is created;
 *       otherwise another instance claimed a higher one in between and the claim starts over.
 *   <li>No epoch file is ever deleted, so the highest epoch never goes down and an epoch once won
 *       cannot be won again. (Deleting the previous epoch's file would let an instance that read an
 *       old highest epoch create that file again, and a directory listing taken while files are
 *       created and deleted may miss both the file before and the file after, so it could see its
 *       own file as the highest.) A table gets one empty file per start of the pipeline.
 * </ul>
 *
 * So each epoch is returned to at most one instance, and a commit that checks, just before it
 * completes, that its epoch is still the highest ({@link #current}) is refused once a later
 * instance has fenced.
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

  /** The owner's epoch (the highest one claimed), or null if the writer never fenced this table. */
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

  /**
   * Claims the epoch after the highest one and returns it; no other caller, in this process or
   * another, is returned the same epoch.
   *
   * @throws PipelineException if other instances claimed epochs {@value #ATTEMPTS} times in a row
   */
  long next() {
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      Long current = current();
      long next = current == null ? 1 : current + 1;
      Path file = new Path(dir, Long.toString(next));
      if (createIfAbsent(file) && current() == next) {
        return next;
      }
      // another instance claimed this epoch, or a higher one, first
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

  /** Creates the empty file {@code file}; false if it exists. */
  private boolean createIfAbsent(Path file) {
    try {
      if ("file".equals(fs.getScheme())) {
        File local = new File(fs.makeQualified(file).toUri());
        Files.createDirectories(local.toPath().getParent());
        Files.createFile(local.toPath());
      } else {
        fs.create(file, false).close();
      }
      return true;
    } catch (java.nio.file.FileAlreadyExistsException | FileAlreadyExistsException e) {
      return false;
    } catch (IOException e) {
      if (e.getMessage() != null && e.getMessage().contains("already exists")) {
        return false; // file systems that do not use FileAlreadyExistsException
      }
      throw new UncheckedIOException("Cannot record a fencing epoch in " + dir, e);
    }
  }
}
