package io.lakestream.core.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A checkpoint directory whose durable copy is in {@link RemoteStorage}, with a local directory as
 * the working copy: what a restart on another machine (an empty local directory) resumes from.
 *
 * <p>Only what recovery reads is mirrored: checkpoint files ({@code checkpoint-N.ckpt}) and state
 * snapshots ({@code state/shared/}, {@code state/snapshots/}), plus the top-level files named when
 * constructed (such as the error log); never the lock, temporary files or open state ({@code
 * state/local/}, {@code state/tmp/}). Snapshot files are immutable once written, so a file already
 * stored with the same size is not uploaded again: each checkpoint uploads only what is new since
 * the last (incremental RocksDB state uploads its new SST files).
 *
 * <ul>
 *   <li>{@link #restore} makes the local copy equal the remote one: it downloads what is missing or
 *       differs and deletes mirrored local files the remote lacks (a checkpoint persisted locally
 *       whose upload did not finish was never committed to any table, so dropping it is safe). A
 *       remote copy without any checkpoint deletes nothing: it adopts the local directory, which
 *       the next push uploads.
 *   <li>{@link #push} uploads state files first and checkpoint files last, so a stored checkpoint
 *       file only ever references stored state; then deletes the remote files no longer kept
 *       locally, checkpoint files first. It returns once everything is stored: the checkpoint is
 *       durable before any table commit that follows it.
 * </ul>
 */
public final class MirroredDirectory implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MirroredDirectory.class);
  private static final Pattern CHECKPOINT = Pattern.compile("checkpoint-\\d{19}\\.ckpt");
  private static final Predicate<String> CHECKPOINT_OR_STATE =
      name ->
          !name.endsWith(".tmp")
              && (CHECKPOINT.matcher(name).matches()
                  || name.startsWith("state/shared/")
                  || name.startsWith("state/snapshots/"));

  private final Path local;
  private final RemoteStorage remote;
  private final Predicate<String> mirrored;

  /** What the remote holds, by name, with sizes; kept up to date by this class's own writes. */
  private final Map<String, Long> stored = new HashMap<>();

  /** What the last push uploaded and how long it took, for the log and benchmarks. */
  public record Pushed(int files, long bytes, long nanos) {}

  /** Mirrors {@code local} to {@code remote}, which this object closes. */
  public MirroredDirectory(Path local, RemoteStorage remote) {
    this(local, remote, Set.of());
  }

  /**
   * Mirrors {@code local} to {@code remote}, which this object closes, with the top-level files
   * {@code alsoMirrored}.
   */
  public MirroredDirectory(Path local, RemoteStorage remote, Set<String> alsoMirrored) {
    this.local = local;
    this.remote = remote;
    this.mirrored = CHECKPOINT_OR_STATE.or(alsoMirrored::contains);
  }

  /**
   * Stores local file {@code name} (one of the files named when constructed) now, rather than with
   * the next {@link #push}.
   *
   * @throws IOException if the upload fails
   */
  public void store(String name) throws IOException {
    Path file = local.resolve(name);
    long size = Files.size(file);
    remote.upload(file, name);
    stored.put(name, size);
  }

  /** Where the durable copy is. */
  public String location() {
    return remote.location();
  }

  /**
   * Makes the local copy equal the remote one (see the class comment). Call before anything reads
   * the local directory.
   *
   * @throws IOException if the remote cannot be listed or read, or the local directory written
   */
  public void restore() throws IOException {
    stored.clear();
    remote.list().forEach((name, size) -> stored.put(name, size));
    Map<String, Long> present = localFiles();
    int downloaded = 0;
    long bytes = 0;
    for (Map.Entry<String, Long> e : new TreeMap<>(stored).entrySet()) {
      String name = e.getKey();
      if (!mirrored.test(name) || e.getValue().equals(present.get(name))) {
        continue;
      }
      Path target = local.resolve(name);
      Files.createDirectories(target.getParent());
      Path tmp = target.resolveSibling(target.getFileName() + ".download.tmp");
      if (e.getValue() == 0) {
        Files.write(tmp, new byte[0]); // some servers refuse to read an empty object's bytes
      } else {
        remote.download(name, tmp);
      }
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      downloaded++;
      bytes += e.getValue();
    }
    boolean remoteHasCheckpoints =
        stored.keySet().stream().anyMatch(name -> CHECKPOINT.matcher(name).matches());
    for (String name : present.keySet()) {
      // an empty remote copy adopts the local directory: the first run with a remote dir, or a move
      if (remoteHasCheckpoints && !stored.containsKey(name)) {
        Files.deleteIfExists(local.resolve(name));
      }
    }
    LOG.info(
        "Restored checkpoint directory {} from {}: {} files ({} bytes) downloaded",
        local,
        remote.location(),
        downloaded,
        bytes);
  }

  /**
   * Stores every mirrored local file the remote lacks, checkpoint files last, then deletes the
   * remote files no longer kept locally.
   *
   * @throws IOException if an upload or deletion fails; the checkpoint is then not durable
   */
  public Pushed push() throws IOException {
    long began = System.nanoTime();
    Map<String, Long> present = localFiles();
    List<String> state = new ArrayList<>();
    List<String> checkpoints = new ArrayList<>();
    for (Map.Entry<String, Long> e : new TreeMap<>(present).entrySet()) {
      if (!e.getValue().equals(stored.get(e.getKey()))) {
        (CHECKPOINT.matcher(e.getKey()).matches() ? checkpoints : state).add(e.getKey());
      }
    }
    long bytes = 0;
    int files = 0;
    for (List<String> batch : List.of(state, checkpoints)) {
      for (String name : batch) {
        try {
          remote.upload(local.resolve(name), name);
        } catch (NoSuchFileException gone) {
          continue; // deleted meanwhile as no longer referenced: nothing needs it
        }
        stored.put(name, present.get(name));
        bytes += present.get(name);
        files++;
      }
    }
    List<String> oldCheckpoints = new ArrayList<>();
    List<String> oldState = new ArrayList<>();
    for (String name : stored.keySet()) {
      if (mirrored.test(name) && !present.containsKey(name)) {
        (CHECKPOINT.matcher(name).matches() ? oldCheckpoints : oldState).add(name);
      }
    }
    for (List<String> batch : List.of(oldCheckpoints, oldState)) {
      if (!batch.isEmpty()) {
        remote.delete(batch);
        batch.forEach(stored::remove);
      }
    }
    return new Pushed(files, bytes, System.nanoTime() - began);
  }

  /** The mirrored files below the local directory, by name relative to it, with sizes. */
  private Map<String, Long> localFiles() throws IOException {
    Map<String, Long> files = new HashMap<>();
    if (!Files.isDirectory(local)) {
      return files;
    }
    try (Stream<Path> walk = Files.walk(local)) {
      walk.forEach(
          p -> {
            String name =
                local.relativize(p).toString().replace(p.getFileSystem().getSeparator(), "/");
            if (mirrored.test(name)) {
              try {
                if (Files.isRegularFile(p)) {
                  files.put(name, Files.size(p));
                }
              } catch (NoSuchFileException gone) {
                // deleted while walking: no longer referenced
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            }
          });
    } catch (UncheckedIOException e) {
      if (!(e.getCause() instanceof NoSuchFileException)) {
        throw e.getCause();
      }
      return localFiles(); // a directory vanished mid-walk; the next walk does not see it
    }
    return files;
  }

  @Override
  public void close() {
    remote.close();
  }
}
