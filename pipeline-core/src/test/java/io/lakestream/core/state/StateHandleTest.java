package io.lakestream.core.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.core.state.RocksDbStateBackend.SharedSst;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The snapshot handles checkpoints persist: handles built by hand in the documented version-1
 * layout of each backend are read, and written again byte for byte; unreadable ones are refused
 * with a message naming the backend and what is wrong.
 */
class StateHandleTest {
  private static final InMemoryStateBackend.Snapshot MEMORY =
      new InMemoryStateBackend.Snapshot("window-0", 12, "window-0-12-abc.mem", 345);

  private static final RocksDbStateBackend.Snapshot ROCKSDB =
      new RocksDbStateBackend.Snapshot(
          "window-0",
          12,
          "window-0-12-abc",
          List.of(
              new SharedSst("window-0-u1-000009.sst", "000009.sst", 1234),
              new SharedSst("window-0-u2-000011.sst", "000011.sst", 99)));

  /** {@link #MEMORY} in the layout version 1 documents. */
  private static byte[] memoryVersionOne() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeByte(1);
    out.writeByte('M');
    out.writeUTF("window-0");
    out.writeLong(12);
    out.writeUTF("window-0-12-abc.mem");
    out.writeLong(345);
    return bytes.toByteArray();
  }

  /** {@link #ROCKSDB} in the layout version 1 documents. */
  private static byte[] rocksDbVersionOne() throws IOException {
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
    return bytes.toByteArray();
  }

  @Test
  void readsAndWritesVersionOneInMemoryHandles() throws IOException {
    byte[] old = memoryVersionOne();

    assertThat(InMemoryStateBackend.Snapshot.decode(old)).isEqualTo(MEMORY);
    assertThat(MEMORY.encode()).isEqualTo(old);
  }

  @Test
  void readsAndWritesVersionOneRocksDbHandles() throws IOException {
    byte[] old = rocksDbVersionOne();

    assertThat(RocksDbStateBackend.Snapshot.decode(old)).isEqualTo(ROCKSDB);
    assertThat(ROCKSDB.encode()).isEqualTo(old);
  }

  @Test
  void aRocksDbHandleWithoutFilesRoundTrips() throws IOException {
    RocksDbStateBackend.Snapshot empty =
        new RocksDbStateBackend.Snapshot("dedupe-3", 1, "dedupe-3-1-x", List.of());

    assertThat(RocksDbStateBackend.Snapshot.decode(empty.encode())).isEqualTo(empty);
  }

  @Test
  void refusesAHandleCutShortAnywhere() throws IOException {
    byte[] memory = memoryVersionOne();
    byte[] rocksDb = rocksDbVersionOne();

    for (int length = 0; length < memory.length; length++) {
      byte[] cut = Arrays.copyOf(memory, length);
      assertThatThrownBy(() -> InMemoryStateBackend.Snapshot.decode(cut))
          .as("%d of %d bytes", length, memory.length)
          .isInstanceOf(IOException.class)
          .hasMessage("Corrupt in-memory state handle: truncated");
    }
    for (int length = 0; length < rocksDb.length; length++) {
      byte[] cut = Arrays.copyOf(rocksDb, length);
      assertThatThrownBy(() -> RocksDbStateBackend.Snapshot.decode(cut))
          .as("%d of %d bytes", length, rocksDb.length)
          .isInstanceOf(IOException.class)
          .hasMessage("Corrupt RocksDB state handle: truncated");
    }
  }

  @Test
  void refusesAnUnknownVersion() throws IOException {
    byte[] memory = memoryVersionOne();
    memory[0] = 2;
    byte[] rocksDb = rocksDbVersionOne();
    rocksDb[0] = 2;

    assertThatThrownBy(() -> InMemoryStateBackend.Snapshot.decode(memory))
        .isInstanceOf(IOException.class)
        .hasMessage("Unsupported in-memory state handle version 2 (this build reads 1)");
    assertThatThrownBy(() -> RocksDbStateBackend.Snapshot.decode(rocksDb))
        .isInstanceOf(IOException.class)
        .hasMessage("Unsupported RocksDB state handle version 2 (this build reads 1)");
  }

  @Test
  void refusesAHandleOfTheOtherBackend() {
    assertThatThrownBy(() -> InMemoryStateBackend.Snapshot.decode(rocksDbVersionOne()))
        .isInstanceOf(IOException.class)
        .hasMessage("Not an in-memory state handle (kind 'R'): was the backend changed?");
    assertThatThrownBy(() -> RocksDbStateBackend.Snapshot.decode(memoryVersionOne()))
        .isInstanceOf(IOException.class)
        .hasMessage("Not a RocksDB state handle (kind 'M'): was the backend changed?");
  }

  @Test
  void refusesTrailingBytes() throws IOException {
    byte[] memory = Arrays.copyOf(memoryVersionOne(), memoryVersionOne().length + 1);
    byte[] rocksDb = Arrays.copyOf(rocksDbVersionOne(), rocksDbVersionOne().length + 1);

    assertThatThrownBy(() -> InMemoryStateBackend.Snapshot.decode(memory))
        .isInstanceOf(IOException.class)
        .hasMessage("Corrupt in-memory state handle: trailing bytes");
    assertThatThrownBy(() -> RocksDbStateBackend.Snapshot.decode(rocksDb))
        .isInstanceOf(IOException.class)
        .hasMessage("Corrupt RocksDB state handle: trailing bytes");
  }

  @Test
  void refusesNamesThatLeaveTheirDirectory() {
    byte[] memory = new InMemoryStateBackend.Snapshot("window-0", 1, "../x.mem", 1).encode();
    byte[] rocksDb =
        new RocksDbStateBackend.Snapshot(
                "window-0", 1, "window-0-1-x", List.of(new SharedSst("../x.sst", "1.sst", 1)))
            .encode();

    assertThatThrownBy(() -> InMemoryStateBackend.Snapshot.decode(memory))
        .isInstanceOf(IOException.class)
        .hasMessage("Corrupt in-memory state handle: invalid name '../x.mem'");
    assertThatThrownBy(() -> RocksDbStateBackend.Snapshot.decode(rocksDb))
        .isInstanceOf(IOException.class)
        .hasMessage("Corrupt RocksDB state handle: invalid name '../x.sst'");
  }

  @Test
  void refusesANegativeFileCount() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeByte(1);
    out.writeByte('R');
    out.writeUTF("window-0");
    out.writeLong(12);
    out.writeUTF("window-0-12-abc");
    out.writeInt(-1);

    assertThatThrownBy(() -> RocksDbStateBackend.Snapshot.decode(bytes.toByteArray()))
        .isInstanceOf(IOException.class)
        .hasMessage("Corrupt RocksDB state handle: -1 files");
  }
}
