package io.lakestream.core.runtime;

import io.lakestream.core.error.PipelineException;
import io.lakestream.core.spec.CheckpointSpec;
import io.lakestream.core.storage.MirroredDirectory;
import io.lakestream.core.storage.RemoteStorageFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Persists checkpoints in a directory, one file per checkpoint, atomically: each file is written
 * under a temporary name, forced to disk, renamed into place and the directory forced, so a crash
 * leaves either the whole checkpoint or none of it. The store also holds the directory's lock: one
 * process at a time owns a pipeline's checkpoint directory.
 *
 * <p>With a {@link MirroredDirectory} (a {@code checkpoint.dir} in object storage) the directory is
 * a working copy: opening the store restores it from the remote copy, and {@link #persist} returns
 * once the checkpoint and the state it references are stored remotely. The lock is local only.
 */
public final class CheckpointStore implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CheckpointStore.class);
  private static final Pattern FILE = Pattern.compile("checkpoint-(\\d{19})\\.ckpt");
  private static final int RETAINED = 3;

  private final Path dir;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final MirroredDirectory mirror;

  /**
   * Opens (creating if needed) the checkpoint directory and takes its lock.
   *
   * @throws PipelineException if another process holds the lock
   */
  public CheckpointStore(Path dir, String pipelineId) {
    this(dir, pipelineId, null);
  }

  /**
   * Opens the checkpoint directory of {@code spec}: its local {@code dir}, restored from its remote
   * copy first when it has one.
   *
   * @throws PipelineException if another process holds the lock, or no storage serves the remote
   *     copy's scheme
   * @throws UncheckedIOException if the remote copy cannot be read; the message names it
   */
  public static CheckpointStore open(CheckpointSpec spec, String pipelineId) {
    if (spec.remote() == null) {
      return new CheckpointStore(spec.dir(), pipelineId);
    }
    MirroredDirectory mirror =
        new MirroredDirectory(
            spec.dir(),
            RemoteStorageFactory.forUri(spec.remote(), spec.storage()),
            Set.of(ErrorLog.FILE));
    try {
      return new CheckpointStore(spec.dir(), pipelineId, mirror);
    } catch (RuntimeException e) {
      mirror.close();
      throw e;
    }
  }

  private CheckpointStore(Path dir, String pipelineId, MirroredDirectory mirror) {
    this.dir = dir;
    this.mirror = mirror;
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
      noteHolder();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot open checkpoint directory " + dir, e);
    }
    if (mirror != null) {
      try {
        mirror.restore();
      } catch (IOException | RuntimeException e) {
        close();
        throw new UncheckedIOException(
            "Cannot restore checkpoint directory "
                + dir
                + " from "
                + mirror.location()
                + ": "
                + e
                + ". Check checkpoint.storage (endpoint, region, credentials) and that the"
                + " location exists",
            e instanceof IOException io ? io : new IOException(e));
      }
    }
  }

  /**
   * Writes who holds the lock into it, for {@code lakestream status}. Only a note: on a full disk
   * the run goes on without it, and fails where it must write what it cannot lose.
   */
  private void noteHolder() {
    String holder =
        "pid "
            + ProcessHandle.current().pid()
            + " on "
            + hostName()
            + " since "
            + Instant.now()
            + "\n";
    try {
      lockChannel.truncate(0);
      lockChannel.write(ByteBuffer.wrap(holder.getBytes(StandardCharsets.UTF_8)), 0);
    } catch (IOException e) {
      LOG.warn("Cannot note the lock holder in {}: {}", dir.resolve("LOCK"), e.toString());
    }
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "an unknown host";
    }
  }

  /**
   * Who holds the lock of checkpoint directory {@code dir}, as its holder wrote it ({@code pid 42
   * on host-1 since 2026-01-01T00:00:00Z}); empty when no process holds it. Takes the lock for an
   * instant to find out, so a pipeline starting at that very instant may refuse to start. Call it
   * from another process than the holder: closing a channel of the file releases the locks the
   * closing process holds on it.
   */
  public static Optional<String> holder(Path dir) {
    Path file = dir.resolve("LOCK");
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      FileLock probe;
      try {
        probe = ch.tryLock();
      } catch (OverlappingFileLockException e) {
        probe = null; // this very process holds it
      }
      if (probe != null) {
        probe.release();
        return Optional.empty();
      }
      String text = Files.readString(file, StandardCharsets.UTF_8).trim();
      return Optional.of(text.isEmpty() ? "a process that did not say which" : text);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the lock of checkpoint directory " + dir, e);
    }
  }

  public Path dir() {
    return dir;
  }

  /** The newest readable checkpoint, if any; unreadable newer files are logged and skipped. */
  public Optional<Checkpoint> latest() {
    return latestIn(dir);
  }

  /**
   * The newest readable checkpoint in {@code dir}, read without taking its lock (for {@code
   * status}, also while the pipeline runs); empty when there is none or the directory does not
   * exist.
   */
  public static Optional<Checkpoint> latestIn(Path dir) {
    if (!Files.isDirectory(dir)) {
      return Optional.empty();
    }
    List<Path> all = files(dir);
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
    for (Path file : files(dir)) {
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
    List<Path> all = files(dir);
    for (int i = 0; i < all.size() - RETAINED; i++) {
      Files.deleteIfExists(all.get(i));
    }
    if (mirror != null) {
      MirroredDirectory.Pushed pushed = mirror.push();
      LOG.debug(
          "Checkpoint {} stored in {}: {} files, {} bytes in {} ms",
          checkpoint.id(),
          mirror.location(),
          pushed.files(),
          pushed.bytes(),
          pushed.nanos() / 1_000_000);
    }
  }

  /**
   * Adds {@code error} to the directory's {@link ErrorLog}, and stores the log in the remote copy
   * at once when there is one. Only a note for {@code lakestream status}: a log that cannot be
   * written is logged and the caller goes on with what it was doing.
   */
  public void recordError(Instant at, String error) {
    try {
      ErrorLog.append(dir, at, error);
      if (mirror != null) {
        mirror.store(ErrorLog.FILE);
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("Cannot note the error in {}: {}", dir.resolve(ErrorLog.FILE), e.toString());
    }
  }

  private void forceDirectory() throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  private static List<Path> files(Path dir) {
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
    if (mirror != null) {
      mirror.close();
    }
  }
}
