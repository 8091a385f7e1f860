package io.lakestream.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.core.state.StateBackend;
import io.lakestream.core.state.StateStore;
import io.lakestream.core.storage.MirroredDirectory;
import io.lakestream.core.storage.RemoteStorageFactory;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Measures what storing checkpoints on S3 costs (issue 17): the upload size and time of a dedupe
 * state of {@value #KEYS} keys in RocksDB, the first time (every SST file: what a pipeline's first
 * checkpoint on a new {@code checkpoint.dir}, or one after a compaction rewrote everything,
 * uploads) and the next checkpoint after {@value #NEW_KEYS} new keys (incremental: only the new SST
 * files). Through the same classes a pipeline uses ({@code RocksDbStateBackend} snapshots under
 * {@code state/}, {@link MirroredDirectory} and {@code S3Storage}) against the shared S3 server on
 * loopback. Keys and values have the dedupe step's sizes (an 8-byte key group and id, an 8-byte
 * time). Not a test of the default run (its name does not match the suite's patterns); run it
 * alone, under the build lock:
 *
 * <pre>
 * flock /tmp/lakestream-build.lock mvn -B -o -pl integration-tests -am verify \
 *   -Dtest=CheckpointUploadMeasurement -Dsurefire.failIfNoSpecifiedTests=false \
 *   -Dspotless.check.skip=true
 * </pre>
 *
 * It prints one line per round and kind; the figures are in docs/operations.md.
 */
@ExtendWith(SharedS3.class)
class CheckpointUploadMeasurement {
  private static final int KEYS = 2_500_000;
  private static final int NEW_KEYS = 5_000;
  private static final int ROUNDS = 3;
  private static final int INCREMENTS = 5;
  private static final int BATCH = 10_000;

  @TempDir Path dir;

  @Test
  void measuresFullAndIncrementalUploads(S3Server s3) throws Exception {
    String bucket = "checkpoint-upload";
    s3.createBucket(bucket);
    for (int round = 1; round <= ROUNDS; round++) {
      Path local = dir.resolve("round-" + round);
      URI remote = URI.create("s3://" + bucket + "/round-" + round);
      try (StateBackend backend =
              StateBackend.create(StateBackend.ROCKSDB, local.resolve("state"));
          StateStore store = backend.open("dedupe-0", null);
          MirroredDirectory mirror =
              new MirroredDirectory(
                  local, RemoteStorageFactory.forUri(remote, s3.clientProperties()))) {
        mirror.restore();
        write(store, 0, KEYS);
        store.snapshot(1);
        print(round, "full", KEYS, mirror.push());
        for (int next = 1; next <= INCREMENTS; next++) {
          write(store, KEYS + (long) NEW_KEYS * (next - 1), NEW_KEYS);
          store.snapshot(1 + next);
          print(round, "incremental " + next, NEW_KEYS, mirror.push());
        }
        assertThat(s3.keys(bucket, "round-" + round + "/state/shared/")).isNotEmpty();
      }
    }
  }

  /**
   * Puts keys {@code from .. from+count-1}, in the key order a hash gives them, as dedupe would.
   */
  private static void write(StateStore store, long from, int count) {
    byte[][] keys = new byte[BATCH][];
    byte[][] values = new byte[BATCH][];
    int n = 0;
    for (long id = from; id < from + count; id++) {
      long hash = id * 0x9E3779B97F4A7C15L;
      keys[n] = ByteBuffer.allocate(16).putLong(hash >>> 57).putLong(hash).array();
      values[n] = ByteBuffer.allocate(8).putLong(1_764_000_000_000_000L + id).array();
      if (++n == BATCH) {
        store.write(keys, values, n);
        n = 0;
      }
    }
    store.write(keys, values, n);
  }

  private static void print(int round, String kind, int keys, MirroredDirectory.Pushed p) {
    System.out.printf(
        Locale.ROOT,
        "UPLOAD round %d %s: %,d keys -> %d files, %,d bytes in %.0f ms (%.1f MB/s)%n",
        round,
        kind,
        keys,
        p.files(),
        p.bytes(),
        p.nanos() / 1e6,
        p.bytes() / 1e6 / (p.nanos() / 1e9));
  }
}
