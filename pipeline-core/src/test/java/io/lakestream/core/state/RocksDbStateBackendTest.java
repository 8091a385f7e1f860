package io.lakestream.core.state;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.core.state.RocksDbStateBackend.SharedSst;
import io.lakestream.core.state.RocksDbStateBackend.Snapshot;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

  @Test
  void readsAVersionOneHandle() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeByte(1);
    out.writeByte('R');
    out.writeUTF("window-0");
    out.writeLong(12);
    out.writeUTF("window-0-12-abc");
    out.writeInt(2);
    out.writeUTF("window-0-u1-000009.sst");
    out.writeUTF("000009.sst");
    out.writeLong(1234);
    out.writeUTF("window-0-u2-000011.sst");
    out.writeUTF("000011.sst");
    out.writeLong(99);

    Snapshot read = Snapshot.decode(bytes.toByteArray());

    assertThat(read)
        .isEqualTo(
            new Snapshot(
                "window-0",
                12,
                "window-0-12-abc",
                List.of(
                    new SharedSst("window-0-u1-000009.sst", "000009.sst", 1234),
                    new SharedSst("window-0-u2-000011.sst", "000011.sst", 99))));
    assertThat(Snapshot.decode(read.encode())).isEqualTo(read);
  }

  @Test
  void rejectsUnknownVersionsAndNamesThatLeaveTheirDirectory() {
    Snapshot escaping =
        new Snapshot("window-0", 1, "window-0-1-x", List.of(new SharedSst("../x.sst", "1.sst", 1)));
    byte[] newer = escaping.encode();
    newer[0] = 2;

    assertThatThrownBy(() -> Snapshot.decode(escaping.encode()))
        .isInstanceOf(IOException.class)
        .hasMessage("Corrupt RocksDB state handle: invalid name '../x.sst'");
    assertThatThrownBy(() -> Snapshot.decode(newer))
        .isInstanceOf(IOException.class)
        .hasMessage("Unsupported RocksDB state handle version 2 (this build reads 1)");
    assertThatThrownBy(() -> Snapshot.decode(new byte[] {1, 'R', 0}))
        .isInstanceOf(IOException.class)
        .hasMessage("Corrupt RocksDB state handle: truncated");
  }
}
