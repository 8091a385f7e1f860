package io.lakestream.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.core.error.PipelineException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointStoreTest {
  @TempDir Path dir;

  private static Checkpoint checkpoint(long id) {
    return new Checkpoint("p", id, id * 1000, Map.of("t:0", id * 10), Map.of(), Map.of(), 0);
  }

  @Test
  void latestIsTheNewestPersistedCheckpoint() throws IOException {
    try (CheckpointStore store = new CheckpointStore(dir, "p")) {
      assertThat(store.latest()).isEmpty();
      store.persist(checkpoint(1));
      store.persist(checkpoint(2));

      assertThat(store.latest()).map(Checkpoint::id).contains(2L);
    }
  }

  @Test
  void keepsOnlyTheNewestThreeFilesAndNoTemporaries() throws IOException {
    try (CheckpointStore store = new CheckpointStore(dir, "p")) {
      for (long id = 1; id <= 6; id++) {
        store.persist(checkpoint(id));
      }
    }
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()).sorted().toList())
          .containsExactly(
              "LOCK",
              "checkpoint-0000000000000000004.ckpt",
              "checkpoint-0000000000000000005.ckpt",
              "checkpoint-0000000000000000006.ckpt");
    }
  }

  @Test
  void skipsAnUnreadableNewestFile() throws IOException {
    try (CheckpointStore store = new CheckpointStore(dir, "p")) {
      store.persist(checkpoint(1));
      Files.write(dir.resolve("checkpoint-0000000000000000002.ckpt"), new byte[] {1, 2, 3});

      assertThat(store.latest()).map(Checkpoint::id).contains(1L);
    }
  }

  @Test
  void refusesASecondOwnerOfTheDirectory() {
    try (CheckpointStore first = new CheckpointStore(dir, "orders")) {
      assertThatThrownBy(() -> new CheckpointStore(dir, "orders"))
          .isInstanceOf(PipelineException.class)
          .hasMessageStartingWith("Pipeline 'orders' is already running: another process holds ");
    }
    // released on close
    new CheckpointStore(dir, "orders").close();
  }

  @Test
  void persistedFilesReadBackIdentically() throws IOException {
    try (CheckpointStore store = new CheckpointStore(dir, "p")) {
      store.persist(
          new Checkpoint(
              "p", 9, 1, Map.of("a:0", 5L, "a:1", 6L), Map.of("t", List.of()), Map.of(), 0));
      assertThat(store.latest().orElseThrow().positions()).isEqualTo(Map.of("a:0", 5L, "a:1", 6L));
    }
  }
}
