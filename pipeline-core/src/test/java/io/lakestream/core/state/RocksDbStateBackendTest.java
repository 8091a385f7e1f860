package io.lakestream.core.state;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.core.state.RocksDbStateBackend.Snapshot;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RocksDbStateBackendTest {
  @TempDir Path dir;

  private static byte[] key(int i) {
    return ByteBuffer.allocate(12).put("key-".getBytes(UTF_8)).putLong(i).array();
  }

  private static void putRange(StateStore store, int from, int to, Random random) {
    byte[] value = new byte[48];
    for (int i = from; i < to; i++) {
      random.nextBytes(value);
      store.put(key(i), value);
    }
  }

  private long sharedFiles() throws IOException {
    try (Stream<Path> files = Files.list(dir.resolve("shared"))) {
      return files.count();
    }
  }

  private long sharedBytes() throws IOException {
    try (Stream<Path> files = Files.list(dir.resolve("shared"))) {
      return files.mapToLong(f -> f.toFile().length()).sum();
    }
  }

  @Test
  void aSecondSnapshotAfterAFewWritesAddsOnlyTheNewSstFiles() throws IOException {
    Random random = new Random(7);
    try (StateBackend backend = StateBackend.create(StateBackend.ROCKSDB, dir)) {
      StateStore store = backend.open("window-0", null);
      putRange(store, 0, 200_000, random);
      Snapshot first = Snapshot.decode(store.snapshot(1));
      long filesAfterFirst = sharedFiles();
      long bytesAfterFirst = sharedBytes();

      putRange(store, 200_000, 201_000, random);
      Snapshot second = Snapshot.decode(store.snapshot(2));

      assertThat(filesAfterFirst).isEqualTo(first.files().size()).isPositive();
      assertThat(sharedFiles() - filesAfterFirst).isBetween(1L, 2L);
      assertThat(sharedBytes()).isLessThan(bytesAfterFirst * 11 / 10);
      assertThat(second.files()).containsAll(first.files());
      assertThat(bytesAfterFirst).isGreaterThan(200_000L * 48);
    }
  }

  @Test
  void aSnapshotKeepsItsSmallFilesApartFromItsSharedSsts() throws IOException {
    try (StateBackend backend = StateBackend.create(StateBackend.ROCKSDB, dir)) {
      StateStore store = backend.open("window-0", null);
      store.put("k".getBytes(UTF_8), "v".getBytes(UTF_8));
      assertThat(store.sizeBytes()).isPositive();

      Snapshot snapshot = Snapshot.decode(store.snapshot(5));

      try (Stream<Path> files = Files.list(dir.resolve("snapshots").resolve(snapshot.metaDir()))) {
        assertThat(files.map(f -> f.getFileName().toString()))
            .contains("CURRENT")
            .anyMatch(n -> n.startsWith("MANIFEST-"))
            .noneMatch(n -> n.endsWith(".sst"));
      }
      assertThat(snapshot.metaDir()).startsWith("window-0-5-");
      assertThat(snapshot.files())
          .singleElement()
          .satisfies(
              f -> assertThat(f.sharedName()).startsWith("window-0-").endsWith(f.localName()));
      assertThat(dir.resolve("tmp")).isEmptyDirectory();
    }
    assertThat(dir.resolve("local")).isEmptyDirectory();
  }
}
