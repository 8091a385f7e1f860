package io.lakestream.core.state;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What every {@link StateBackend} and its stores promise, checked for each backend. */
class StateStoreContractTest {
  private static final byte[] ALL_FROM = {};
  private static final byte[] ALL_TO = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff};
  private static final HexFormat HEX = HexFormat.of();

  @TempDir Path dir;
  private final List<StateBackend> backends = new ArrayList<>();

  private StateBackend backend(String kind) throws IOException {
    StateBackend backend = StateBackend.create(kind, dir);
    backends.add(backend);
    return backend;
  }

  @AfterEach
  void closeBackends() {
    for (int i = backends.size() - 1; i >= 0; i--) {
      backends.get(i).close();
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }

  /** Every entry in key order, as {@code key=value} in hex. */
  private static List<String> contents(StateStore store, byte[] from, byte[] to) {
    List<String> entries = new ArrayList<>();
    store.scan(from, to, (k, v) -> entries.add(HEX.formatHex(k) + "=" + HEX.formatHex(v)));
    return entries;
  }

  private static List<String> contents(StateStore store) {
    return contents(store, ALL_FROM, ALL_TO);
  }

  private static List<String> contents(Map<byte[], byte[]> model) {
    List<String> entries = new ArrayList<>();
    model.forEach((k, v) -> entries.add(HEX.formatHex(k) + "=" + HEX.formatHex(v)));
    return entries;
  }

  private static NavigableMap<byte[], byte[]> newModel() {
    return new TreeMap<>(Arrays::compareUnsigned);
  }

  /** Short keys over bytes that tell signed from unsigned order and prefixes from their keys. */
  private static byte[] randomKey(Random random) {
    byte[] alphabet = {0x00, 0x01, 0x7f, (byte) 0x80, (byte) 0xff};
    byte[] key = new byte[1 + random.nextInt(3)];
    for (int i = 0; i < key.length; i++) {
      key[i] = alphabet[random.nextInt(alphabet.length)];
    }
    return key;
  }

  private static byte[] randomValue(Random random) {
    byte[] value = new byte[random.nextInt(9)];
    random.nextBytes(value);
    return value;
  }

  private static void putAll(StateStore store, Map<byte[], byte[]> model, String prefix, int n) {
    for (int i = 0; i < n; i++) {
      byte[] key = bytes(String.format("%s-%05d", prefix, i));
      byte[] value = bytes("value-" + prefix + "-" + i);
      store.put(key, value);
      model.put(key, value);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {StateBackend.ROCKSDB, StateBackend.MEMORY})
  void behavesLikeASortedMapUnderRandomOperations(String kind) throws IOException {
    StateBackend backend = backend(kind);
    StateStore store = backend.open("window-0", null);
    NavigableMap<byte[], byte[]> model = newModel();
    Random random = new Random(42);

    for (int op = 0; op < 5_000; op++) {
      byte[] key = randomKey(random);
      int dice = random.nextInt(10);
      if (dice < 6) {
        byte[] value = randomValue(random);
        store.put(key, value);
        model.put(key, value);
      } else if (dice < 8) {
        store.delete(key);
        model.remove(key);
      } else if (dice < 9) {
        byte[] to = randomKey(random);
        store.deleteRange(key, to);
        if (Arrays.compareUnsigned(key, to) < 0) {
          model.subMap(key, true, to, false).clear();
        }
      } else {
        byte[] to = randomKey(random);
        List<String> expected =
            Arrays.compareUnsigned(key, to) < 0
                ? contents(model.subMap(key, true, to, false))
                : List.of();
        assertThat(contents(store, key, to))
            .as("scan [%s, %s)", HEX.formatHex(key), HEX.formatHex(to))
            .isEqualTo(expected);
      }
      byte[] probe = randomKey(random);
      assertThat(store.get(probe)).isEqualTo(model.get(probe));
    }

    assertThat(contents(store)).isEqualTo(contents(model));
    byte[] handle = store.snapshot(1);
    store.close();
    assertThat(contents(backend.open("window-0", handle))).isEqualTo(contents(model));
  }

  @ParameterizedTest
  @ValueSource(strings = {StateBackend.ROCKSDB, StateBackend.MEMORY})
  void countsTheKeysWrittenOnceExactly(String kind) throws IOException {
    StateStore store = backend(kind).open("dedupe-0", null);
    for (int i = 0; i < 1_000; i++) {
      store.put(bytes("key-" + i), bytes("v"));
    }
    store.snapshot(1);
    for (int i = 1_000; i < 1_500; i++) {
      store.put(bytes("key-" + i), bytes("v"));
    }

    assertThat(store.keyCount()).isEqualTo(1_500);
  }

  @ParameterizedTest
  @ValueSource(strings = {StateBackend.ROCKSDB, StateBackend.MEMORY})
  void ordersKeysAsUnsignedBytesAndStopsWhenTheVisitorSaysSo(String kind) throws IOException {
    StateStore store = backend(kind).open("window-0", null);
    for (int b : new int[] {0xff, 0x80, 0x7f, 0x00}) {
      store.put(new byte[] {(byte) b}, new byte[] {1});
    }
    store.put(new byte[] {0x7f, 0x00}, new byte[] {2});
    List<String> visited = new ArrayList<>();

    store.scan(
        new byte[] {0x01},
        new byte[] {(byte) 0xff},
        (k, v) -> {
          visited.add(HEX.formatHex(k));
          return visited.size() < 2;
        });

    assertThat(visited).containsExactly("7f", "7f00");
    assertThat(contents(store)).containsExactly("00=01", "7f=01", "7f00=02", "80=01", "ff=01");
  }

  @ParameterizedTest
  @ValueSource(strings = {StateBackend.ROCKSDB, StateBackend.MEMORY})
  void arraysPassedInOrHandedOutAreNotShared(String kind) throws IOException {
    StateStore store = backend(kind).open("window-0", null);
    byte[] key = bytes("k");
    byte[] value = bytes("v1");
    store.put(key, value);

    value[1] = '2';
    store.get(key)[1] = '3';
    key[0] = 'x';

    assertThat(store.get(bytes("k"))).isEqualTo(bytes("v1"));
  }

  @ParameterizedTest
  @ValueSource(strings = {StateBackend.ROCKSDB, StateBackend.MEMORY})
  void restoresExactlyTheSnapshottedContentsInAnotherBackend(String kind) throws IOException {
    NavigableMap<byte[], byte[]> model = newModel();
    byte[] handle;
    try (StateBackend first = StateBackend.create(kind, dir)) {
      StateStore store = first.open("window-0", null);
      putAll(store, model, "a", 1_000);
      store.delete(bytes("a-00007"));
      model.remove(bytes("a-00007"));
      handle = store.snapshot(12);

      putAll(store, newModel(), "b", 100);
      store.deleteRange(bytes("a-00100"), bytes("a-00200"));
      store.put(bytes("a-00001"), bytes("changed after the snapshot"));
    }

    StateStore restored = backend(kind).open("window-0", handle);

    assertThat(contents(restored)).isEqualTo(contents(model));
  }

  @ParameterizedTest
  @ValueSource(strings = {StateBackend.ROCKSDB, StateBackend.MEMORY})
  void readVisitsASnapshotInKeyOrderWhileItsOwnerIsOpenAndStops(String kind) throws IOException {
    StateBackend backend = backend(kind);
    NavigableMap<byte[], byte[]> model = newModel();
    StateStore store = backend.open("window-0", null);
    putAll(store, model, "a", 300);
    byte[] handle = store.snapshot(3);
    store.put(bytes("a-00001"), bytes("changed after the snapshot"));

    List<String> read = new ArrayList<>();
    backend.read(handle, (k, v) -> read.add(HEX.formatHex(k) + "=" + HEX.formatHex(v)));
    List<String> firstTen = new ArrayList<>();
    backend.read(handle, (k, v) -> firstTen.add(HEX.formatHex(k)) && firstTen.size() < 10);

    assertThat(read).isEqualTo(contents(model));
    assertThat(firstTen).hasSize(10);
    assertThat(contents(store))
        .contains(
            HEX.formatHex(bytes("a-00001"))
                + "="
                + HEX.formatHex(bytes("changed after the snapshot")));
  }

  @ParameterizedTest
  @ValueSource(strings = {StateBackend.ROCKSDB, StateBackend.MEMORY})
  void aRestoredStoreSnapshotsOnFromItsRestoredContents(String kind) throws IOException {
    StateBackend backend = backend(kind);
    NavigableMap<byte[], byte[]> model = newModel();
    StateStore store = backend.open("window-0", null);
    putAll(store, model, "a", 500);
    byte[] first = store.snapshot(1);
    store.close();

    StateStore restored = backend.open("window-0", first);
    putAll(restored, model, "b", 500);
    byte[] second = restored.snapshot(2);
    restored.close();

    assertThat(contents(backend.open("window-0", second))).isEqualTo(contents(model));
  }

  @ParameterizedTest
  @ValueSource(strings = {StateBackend.ROCKSDB, StateBackend.MEMORY})
  void retainOnlyKeepsWhatLiveHandlesNeedAndDeletesTheRest(String kind) throws IOException {
    StateBackend backend = backend(kind);
    NavigableMap<byte[], byte[]> model = newModel();
    StateStore a = backend.open("window-0", null);
    putAll(a, model, "a", 300);
    byte[] a1 = a.snapshot(1);
    putAll(a, model, "b", 300);
    byte[] a2 = a.snapshot(2);
    List<String> atTwo = contents(model);
    putAll(a, model, "c", 300);
    byte[] a3 = a.snapshot(3);
    StateStore b = backend.open("window-1", null);
    b.put(bytes("k"), bytes("v"));
    byte[] b1 = b.snapshot(1);
    b.put(bytes("k2"), bytes("v2"));
    byte[] b2 = b.snapshot(2);
    a.close();
    b.close();

    backend.retainOnly(List.of(a2, a3, b2));

    assertThat(topLevelSnapshotFiles()).isEqualTo(referencedFiles(kind, List.of(a2, a3, b2)));
    assertThat(contents(backend.open("window-0", a2))).isEqualTo(atTwo);
    try (StateStore restored = backend.open("window-1", b2)) {
      assertThat(contents(restored)).containsExactly("6b=76", "6b32=7632");
    }
    assertThatThrownBy(() -> backend.open("window-1", b1))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("State snapshot of window-1 at checkpoint 1 is missing ");
    backend.close();
    try (StateBackend again = StateBackend.create(kind, dir)) {
      StateStore restored = again.open("window-0", a3);
      assertThat(contents(restored)).isEqualTo(contents(model));
      restored.close();
      assertThatThrownBy(() -> again.open("window-0", a1))
          .isInstanceOf(IOException.class)
          .hasMessageStartingWith("State snapshot of window-0 at checkpoint 1 is missing ");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {StateBackend.ROCKSDB, StateBackend.MEMORY})
  void retainOnlyKeepsAClosedStoresNewestSnapshotWhoseCheckpointIsNotPersistedYet(String kind)
      throws IOException {
    StateBackend backend = backend(kind);
    NavigableMap<byte[], byte[]> model = newModel();
    StateStore store = backend.open("window-0", null);
    putAll(store, model, "a", 100);
    byte[] persisted = store.snapshot(4);
    putAll(store, model, "b", 100);
    byte[] pending = store.snapshot(5);
    store.close();

    backend.retainOnly(List.of(persisted));

    assertThat(contents(backend.open("window-0", pending))).isEqualTo(contents(model));
  }

  @ParameterizedTest
  @ValueSource(strings = {StateBackend.ROCKSDB, StateBackend.MEMORY})
  void retainOnlyKeepsWhatAnOpenStoresNextSnapshotReuses(String kind) throws IOException {
    StateBackend backend = backend(kind);
    NavigableMap<byte[], byte[]> model = newModel();
    StateStore store = backend.open("window-0", null);
    putAll(store, model, "a", 1_000);
    byte[] persisted = store.snapshot(1);
    putAll(store, model, "b", 1_000);
    store.snapshot(2); // its checkpoint is never persisted

    backend.retainOnly(List.of(persisted));
    putAll(store, model, "c", 10);
    byte[] next = store.snapshot(3);
    store.close();
    backend.retainOnly(List.of(next));

    assertThat(contents(backend.open("window-0", next))).isEqualTo(contents(model));
  }

  @ParameterizedTest
  @ValueSource(strings = {StateBackend.ROCKSDB, StateBackend.MEMORY})
  void retainOnlyRacingSnapshotsOfOtherTasksDeletesNothingTheyNeed(String kind) throws Exception {
    StateBackend backend = backend(kind);
    Map<String, byte[]> persisted = new ConcurrentHashMap<>();
    Map<String, NavigableMap<byte[], byte[]>> models = new ConcurrentHashMap<>();
    ExecutorService tasks = Executors.newFixedThreadPool(2);
    try {
      List<Future<?>> running = new ArrayList<>();
      for (String owner : List.of("window-0", "window-1")) {
        running.add(
            tasks.submit(
                () -> {
                  NavigableMap<byte[], byte[]> model = newModel();
                  try (StateStore store = backend.open(owner, null)) {
                    for (int id = 1; id <= 20; id++) {
                      putAll(store, model, "c" + id, 200);
                      persisted.put(owner, store.snapshot(id));
                    }
                  }
                  models.put(owner, model);
                  return null;
                }));
      }
      while (!running.stream().allMatch(Future::isDone)) {
        backend.retainOnly(List.copyOf(persisted.values()));
      }
      for (Future<?> task : running) {
        task.get();
      }
    } finally {
      tasks.shutdownNow();
    }

    for (String owner : List.of("window-0", "window-1")) {
      assertThat(contents(backend.open(owner, persisted.get(owner))))
          .isEqualTo(contents(models.get(owner)));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {StateBackend.ROCKSDB, StateBackend.MEMORY})
  void aSnapshotRetakenAfterACrashDoesNotCollideWithTheLostOne(String kind) throws IOException {
    NavigableMap<byte[], byte[]> model = newModel();
    byte[] persisted;
    byte[] lost;
    try (StateBackend crashed = StateBackend.create(kind, dir)) {
      StateStore store = crashed.open("window-0", null);
      putAll(store, model, "a", 2_000);
      persisted = store.snapshot(1);
      putAll(store, newModel(), "lost", 2_000);
      lost = store.snapshot(2); // the process dies before checkpoint 2 is persisted
    }
    List<String> atOne = contents(model);

    byte[] retaken;
    try (StateBackend recovered = StateBackend.create(kind, dir)) {
      StateStore store = recovered.open("window-0", persisted);
      putAll(store, model, "b", 2_000);
      retaken = store.snapshot(2);
      store.close();
      recovered.retainOnly(List.of(persisted, retaken));
    }

    assertThat(referencedFiles(kind, List.of(lost)))
        .doesNotContainAnyElementsOf(
            minus(
                referencedFiles(kind, List.of(retaken)),
                referencedFiles(kind, List.of(persisted))));
    assertThat(topLevelSnapshotFiles())
        .isEqualTo(referencedFiles(kind, List.of(persisted, retaken)));
    StateBackend restarted = backend(kind);
    assertThat(contents(restarted.open("window-0", retaken))).isEqualTo(contents(model));
    assertThat(contents(restarted.open("window-1", null))).isEmpty();
    restarted.close();
    assertThat(contents(backend(kind).open("window-0", persisted))).isEqualTo(atOne);
  }

  @ParameterizedTest
  @ValueSource(strings = {StateBackend.ROCKSDB, StateBackend.MEMORY})
  void aMissingSnapshotFileFailsTheOpenWithAClearMessage(String kind) throws IOException {
    StateBackend backend = backend(kind);
    StateStore store = backend.open("window-0", null);
    putAll(store, newModel(), "a", 100);
    byte[] handle = store.snapshot(12);
    store.close();
    String file = dataFile(kind, handle);
    Files.delete(dir.resolve(file));

    assertThatThrownBy(() -> backend.open("window-0", handle))
        .isInstanceOf(IOException.class)
        .hasMessage("State snapshot of window-0 at checkpoint 12 is missing " + file);
    assertThat(dir.resolve("local/window-0")).doesNotExist();
  }

  @ParameterizedTest
  @ValueSource(strings = {StateBackend.ROCKSDB, StateBackend.MEMORY})
  void aTruncatedSnapshotFileFailsTheOpenWithAClearMessage(String kind) throws IOException {
    StateBackend backend = backend(kind);
    StateStore store = backend.open("window-0", null);
    putAll(store, newModel(), "a", 100);
    byte[] handle = store.snapshot(12);
    store.close();
    String file = dataFile(kind, handle);
    byte[] bytes = Files.readAllBytes(dir.resolve(file));
    Files.write(dir.resolve(file), Arrays.copyOf(bytes, bytes.length - 1));

    assertThatThrownBy(() -> backend.open("window-0", handle))
        .isInstanceOf(IOException.class)
        .hasMessage(
            "State snapshot of window-0 at checkpoint 12 is corrupt: %s has %d bytes, expected %d",
            file, bytes.length - 1, bytes.length);
  }

  @ParameterizedTest
  @ValueSource(strings = {StateBackend.ROCKSDB, StateBackend.MEMORY})
  void aStoreCanBeOpenedOnlyOnceAtATimeAndNotUsedAfterClose(String kind) throws IOException {
    StateBackend backend = backend(kind);
    StateStore store = backend.open("window-0", null);

    assertThatThrownBy(() -> backend.open("window-0", null))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("The state of window-0 is already open; close it before opening it again");
    store.close();
    store.close();
    assertThatThrownBy(() -> store.get(bytes("k")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("The state of window-0 is closed");
    assertThat(backend.open("window-0", null).get(bytes("k"))).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {StateBackend.ROCKSDB, StateBackend.MEMORY})
  void rejectsBadOwnersAndAnotherOwnersHandle(String kind) throws IOException {
    StateBackend backend = backend(kind);
    byte[] handle = backend.open("window-0", null).snapshot(3);

    assertThatThrownBy(() -> backend.open("../etc", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid state owner name: '../etc' (letters, digits, '.', '_' and '-' only)");
    assertThatThrownBy(() -> backend.open("window-1", handle))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "State snapshot of window-0 at checkpoint 3 cannot be opened as the state of window-1");
  }

  @Test
  void refusesAHandleOfTheOtherBackend() throws IOException {
    byte[] memoryHandle = backend(StateBackend.MEMORY).open("window-0", null).snapshot(1);
    StateBackend rocksdb = backend(StateBackend.ROCKSDB);

    assertThatThrownBy(() -> rocksdb.open("window-0", memoryHandle))
        .isInstanceOf(IOException.class)
        .hasMessage("Not a RocksDB state handle (kind 'M'): was the backend changed?");
  }

  @Test
  void createRejectsAnUnknownKind() {
    assertThatThrownBy(() -> StateBackend.create("leveldb", dir))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Unknown state backend: 'leveldb' (use rocksdb or memory)");
  }

  /** The names directly under {@code shared/} and {@code snapshots/}, sorted. */
  private List<String> topLevelSnapshotFiles() throws IOException {
    List<String> names = new ArrayList<>();
    for (String sub : List.of("shared", "snapshots")) {
      Path subDir = dir.resolve(sub);
      if (Files.isDirectory(subDir)) {
        try (Stream<Path> files = Files.list(subDir)) {
          files.forEach(f -> names.add(f.getFileName().toString()));
        }
      }
    }
    return names.stream().sorted().toList();
  }

  /** The names directly under {@code shared/} and {@code snapshots/} the handles refer to. */
  private static List<String> referencedFiles(String kind, List<byte[]> handles)
      throws IOException {
    List<String> names = new ArrayList<>();
    for (byte[] handle : handles) {
      if (kind.equals(StateBackend.ROCKSDB)) {
        RocksDbStateBackend.Snapshot s = RocksDbStateBackend.Snapshot.decode(handle);
        names.add(s.metaDir());
        s.files().forEach(f -> names.add(f.sharedName()));
      } else {
        names.add(InMemoryStateBackend.Snapshot.decode(handle).fileName());
      }
    }
    return names.stream().distinct().sorted().toList();
  }

  /** A file holding entries of the snapshot, relative to the state directory. */
  private static String dataFile(String kind, byte[] handle) throws IOException {
    return kind.equals(StateBackend.ROCKSDB)
        ? "shared/" + RocksDbStateBackend.Snapshot.decode(handle).files().get(0).sharedName()
        : "snapshots/" + InMemoryStateBackend.Snapshot.decode(handle).fileName();
  }

  private static List<String> minus(List<String> all, List<String> removed) {
    return all.stream().filter(n -> !removed.contains(n)).toList();
  }
}
