package io.lakestream.core.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MirroredDirectoryTest {
  private static final String CKPT_1 = "checkpoint-0000000000000000001.ckpt";
  private static final String CKPT_2 = "checkpoint-0000000000000000002.ckpt";

  @TempDir Path tmp;

  @Test
  void storesStateBeforeTheCheckpointThatReferencesItAndNeverTheWorkingFiles() throws IOException {
    Path local = tmp.resolve("local");
    write(local, "LOCK", "pid 1");
    write(local, "state/local/window-0/000012.sst", "open");
    write(local, "state/tmp/snap/000012.sst", "staged");
    write(local, "state/shared/window-0-a-000012.sst", "sst one");
    write(local, "state/snapshots/window-0-1/MANIFEST-000005", "manifest");
    write(local, CKPT_1, "checkpoint one");
    write(local, CKPT_2 + ".tmp", "half");
    DirectoryStorage remote = new DirectoryStorage(tmp.resolve("remote"));

    MirroredDirectory.Pushed pushed;
    try (MirroredDirectory mirror = new MirroredDirectory(local, remote)) {
      mirror.restore();
      pushed = mirror.push();
    }

    assertThat(remote.uploads)
        .containsExactly(
            "state/shared/window-0-a-000012.sst",
            "state/snapshots/window-0-1/MANIFEST-000005",
            CKPT_1);
    assertThat(pushed.files()).isEqualTo(3);
    assertThat(pushed.bytes()).isEqualTo("sst one".length() + "manifest".length() + 14);
  }

  @Test
  void uploadsOnlyWhatIsNewAndDeletesWhatIsNoLongerKeptCheckpointsFirst() throws IOException {
    Path local = tmp.resolve("local");
    write(local, "state/shared/a.sst", "a");
    write(local, CKPT_1, "one");
    DirectoryStorage remote = new DirectoryStorage(tmp.resolve("remote"));
    try (MirroredDirectory mirror = new MirroredDirectory(local, remote)) {
      mirror.restore();
      mirror.push();
      remote.uploads.clear();
      Files.delete(local.resolve(CKPT_1));
      Files.delete(local.resolve("state/shared/a.sst"));
      write(local, "state/shared/b.sst", "b");
      write(local, CKPT_2, "two");

      mirror.push();
    }

    assertThat(remote.uploads).containsExactly("state/shared/b.sst", CKPT_2);
    assertThat(remote.deletions).containsExactly(CKPT_1, "state/shared/a.sst");
    assertThat(remote.list().keySet()).containsExactlyInAnyOrder("state/shared/b.sst", CKPT_2);
  }

  @Test
  void restoresAnEmptyDirectoryAndDropsWhatTheRemoteCopyLacks() throws IOException {
    Path first = tmp.resolve("first");
    write(first, "state/shared/a.sst", "a");
    write(first, "state/snapshots/dedupe-0-1/CURRENT", "MANIFEST-1");
    write(first, "state/snapshots/dedupe-0-1/000004.log", "");
    write(first, CKPT_1, "one");
    DirectoryStorage remote = new DirectoryStorage(tmp.resolve("remote"));
    try (MirroredDirectory mirror = new MirroredDirectory(first, remote)) {
      mirror.restore();
      mirror.push();
    }
    Path second = tmp.resolve("second");
    write(second, CKPT_2, "persisted here, never stored");

    try (MirroredDirectory mirror = new MirroredDirectory(second, remote)) {
      mirror.restore();
    }

    assertThat(Files.readString(second.resolve(CKPT_1))).isEqualTo("one");
    assertThat(Files.readString(second.resolve("state/shared/a.sst"))).isEqualTo("a");
    assertThat(Files.readString(second.resolve("state/snapshots/dedupe-0-1/CURRENT")))
        .isEqualTo("MANIFEST-1");
    assertThat(second.resolve("state/snapshots/dedupe-0-1/000004.log")).isEmptyFile();
    assertThat(second.resolve(CKPT_2)).doesNotExist();
  }

  private static void write(Path dir, String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }
}
