package io.lakestream.core.state;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.core.state.InMemoryStateBackend.Snapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InMemoryStateBackendTest {
  @TempDir Path dir;

  private static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }

  @Test
  void sizeIsTheSumOfKeyAndValueLengths() throws IOException {
    try (StateBackend backend = StateBackend.create(StateBackend.MEMORY, dir)) {
      StateStore store = backend.open("window-0", null);
      store.put(bytes("a1"), bytes("xyz"));
      store.put(bytes("a2"), bytes("xyz"));
      store.put(bytes("b1"), bytes("x"));
      store.put(bytes("a1"), bytes("wxyz"));
      store.delete(bytes("b1"));
      store.delete(bytes("absent"));
      assertThat(store.sizeBytes()).isEqualTo(2 + 4 + 2 + 3);

      store.deleteRange(bytes("a2"), bytes("b"));

      assertThat(store.sizeBytes()).isEqualTo(2 + 4);
      byte[] handle = store.snapshot(1);
      store.close();
      assertThat(backend.open("window-0", handle).sizeBytes()).isEqualTo(2 + 4);
    }
  }

  @Test
  void aSnapshotFileThatFailsItsChecksumIsReportedCorrupt() throws IOException {
    try (StateBackend backend = StateBackend.create(StateBackend.MEMORY, dir)) {
      StateStore store = backend.open("window-0", null);
      store.put(bytes("k"), bytes("v"));
      byte[] handle = store.snapshot(12);
      store.close();
      String name = Snapshot.decode(handle).fileName();
      Path file = dir.resolve("snapshots").resolve(name);
      byte[] content = Files.readAllBytes(file);
      content[content.length - 9] ^= 1;
      Files.write(file, content);

      assertThatThrownBy(() -> backend.open("window-0", handle))
          .isInstanceOf(IOException.class)
          .hasMessage(
              "State snapshot of window-0 at checkpoint 12 is corrupt: snapshots/"
                  + name
                  + " fails its checksum");
    }
  }
}
