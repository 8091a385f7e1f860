package io.lakestream.core.runtime;

import io.lakestream.core.error.PipelineException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Persists checkpoints in a directory, one file per checkpoint, atomically: each file is written
 * under a temporary name, forced to disk, renamed into place and the directory forced, so a crash
 * leaves either the whole checkpoint or none of it. The store also holds the directory's lock: one
 * process at a time owns a pipeline's checkpoint directory.
 */
public final class CheckpointStore implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CheckpointStore.class);
  private static final Pattern FILE = Pattern.compile("checkpoint-(\\d{19})\\.ckpt");
  private static final int RETAINED = 3;

  private final Path dir;
  private final FileChannel lockChannel;
  private final FileLock lock;

  /**
   * Opens (creating if needed) the checkpoint directory and takes its lock.
   *
   * @throws PipelineException if another process holds the lock
   */
  public CheckpointStore(Path dir, String pipelineId) {
    this.dir = dir;
    try {
      Files.createDirectories(dir);
      this.lockChannel =
          FileChannel.open(
              dir.resolve("LOCK"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock acquired;
      try {
        acquired = lockChannel.tryLock();
      } catch (OverlappingFileLockException e) {
        acquired = null;
      }
      if (acquired == null) {
        lockChannel.close();
        throw new PipelineException(
            "Pipeline '"
                + pipelineId
                + "' is already running: another process holds "
                + dir.resolve("LOCK")
                + ". Stop it first; two instances of one pipeline are never allowed to write.");
      }
      this.lock = acquired;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot open checkpoint directory " + dir, e);
    }
  }

  public Path dir() {
    return dir;
  }

  /** The newest readable checkpoint, if any; unreadable newer files are logged and skipped. */
  public Optional<Checkpoint> latest() {
    List<Path> all = files();
    for (int i = all.size() - 1; i >= 0; i--) {
      Path file = all.get(i);
      try {
        return Optional.of(CheckpointSerializer.deserialize(Files.readAllBytes(file)));
      } catch (CheckpointSerializer.CorruptCheckpointException e) {
        LOG.warn("Skipping unreadable checkpoint {}: {}", file, e.getMessage());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return Optional.empty();
  }

  /** Every readable checkpoint the store still keeps, oldest first. */
  public List<Checkpoint> retained() {
    List<Checkpoint> result = new ArrayList<>();
    for (Path file : files()) {
      try {
        result.add(CheckpointSerializer.deserialize(Files.readAllBytes(file)));
      } catch (CheckpointSerializer.CorruptCheckpointException e) {
        // latest() reports it; an unreadable file references nothing that can be restored
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return result;
  }

  /** Writes {@code checkpoint} durably and atomically, then drops all but the newest few. */
  public void persist(Checkpoint checkpoint) throws IOException {
    byte[] bytes = CheckpointSerializer.serialize(checkpoint);
    Path target = dir.resolve(String.format("checkpoint-%019d.ckpt", checkpoint.id()));
    Path tmp = dir.resolve(target.getFileName() + ".tmp");
    try (FileChannel ch =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer buf = ByteBuffer.wrap(bytes);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(true);
    } catch (IOException e) {
      // a half-written file only takes the space a retry needs (the disk may be full)
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("The checkpoint directory must support atomic renames: " + dir, e);
    }
    forceDirectory();
    List<Path> all = files();
    for (int i = 0; i < all.size() - RETAINED; i++) {
      Files.deleteIfExists(all.get(i));
    }
  }

  private void forceDirectory() throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  private List<Path> files() {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> FILE.matcher(p.getFileName().toString()).matches()).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
      lockChannel.close();
    } catch (IOException e) {
      LOG.warn("Cannot release checkpoint lock in {}", dir, e);
    }
  }
}
