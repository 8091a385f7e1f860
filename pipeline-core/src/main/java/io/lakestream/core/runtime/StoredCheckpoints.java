package io.lakestream.core.runtime;

import io.lakestream.core.spec.CheckpointSpec;
import io.lakestream.core.storage.RemoteStorage;
import io.lakestream.core.storage.RemoteStorageFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What a pipeline's checkpoint directory holds, read without its lock (for {@code lakestream
 * status}, also while the pipeline runs): from the durable copy in object storage when {@code
 * checkpoint.dir} is one, so that any machine sees what the pipeline stored wherever it ran, else
 * from the local directory.
 *
 * @param location where it was read: the local directory or the remote URI
 * @param latest the newest readable checkpoint, if any
 * @param errors the recent errors of the {@link ErrorLog}, oldest first
 * @param stateBytes bytes of keyed state: under the local state directory, or of the state
 *     snapshots stored remotely; null when there is none
 */
record StoredCheckpoints(
    String location, Optional<Checkpoint> latest, List<ErrorLog.Entry> errors, Long stateBytes) {
  private static final Pattern CHECKPOINT = Pattern.compile("checkpoint-\\d{19}\\.ckpt");

  /**
   * Reads the checkpoint directory of {@code spec}.
   *
   * @throws UncheckedIOException if it cannot be read; the message says where
   */
  static StoredCheckpoints read(CheckpointSpec spec) {
    if (spec.remote() == null) {
      return local(spec.dir());
    }
    try (RemoteStorage remote = RemoteStorageFactory.forUri(spec.remote(), spec.storage())) {
      return remote(remote);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the checkpoints in " + spec.remote(), e);
    }
  }

  private static StoredCheckpoints local(Path dir) {
    Path log = dir.resolve(ErrorLog.FILE);
    Path state = dir.resolve("state");
    return new StoredCheckpoints(
        dir.toString(),
        CheckpointStore.latestIn(dir),
        Files.exists(log) ? ErrorLog.read(log) : List.of(),
        Files.isDirectory(state) ? PipelineMetrics.bytesUnder(state) : null);
  }

  /** The newest checkpoint that reads, the error log and the stored state's size. */
  private static StoredCheckpoints remote(RemoteStorage remote) throws IOException {
    Map<String, Long> files = remote.list();
    Path tmp = Files.createTempDirectory("lakestream-status");
    try {
      Optional<Checkpoint> latest = Optional.empty();
      List<String> checkpoints =
          files.keySet().stream()
              .filter(n -> CHECKPOINT.matcher(n).matches())
              .sorted(Comparator.reverseOrder())
              .toList();
      for (String name : checkpoints) {
        Path copy = tmp.resolve(name);
        remote.download(name, copy);
        try {
          latest = Optional.of(CheckpointSerializer.deserialize(Files.readAllBytes(copy)));
          break;
        } catch (CheckpointSerializer.CorruptCheckpointException e) {
          // as CheckpointStore.latestIn: an unreadable newer file is skipped
        }
      }
      List<ErrorLog.Entry> errors = List.of();
      if (files.getOrDefault(ErrorLog.FILE, 0L) > 0) {
        Path copy = tmp.resolve(ErrorLog.FILE);
        remote.download(ErrorLog.FILE, copy);
        errors = ErrorLog.read(copy);
      }
      long[] state = {0, 0};
      files.forEach(
          (name, size) -> {
            if (name.startsWith("state/")) {
              state[0] += size;
              state[1]++;
            }
          });
      return new StoredCheckpoints(
          remote.location(), latest, errors, state[1] == 0 ? null : state[0]);
    } finally {
      deleteTree(tmp);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
