package io.lakestream.core.state;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Keeps each task's state on the heap and snapshots it in full, one file per snapshot: {@code
 * snapshots/<owner>-<checkpoint>-<uuid>.mem}, written under a temporary name, forced, renamed and
 * the directory forced. Snapshots are written one at a time under the backend's lock, so {@link
 * #retainOnly} never sees one half-written; this backend is for tests and small jobs.
 */
final class InMemoryStateBackend implements StateBackend {
  private final Path snapshotsDir;
  private final Object lock = new Object();
  // by owner, guarded by lock: the open stores, and the newest snapshot taken or restored
  private final Map<String, InMemoryStateStore> open = new LinkedHashMap<>();
  private final Map<String, Snapshot> newest = new HashMap<>();
  private boolean closed; // guarded by lock

  InMemoryStateBackend(Path stateDir) throws IOException {
    this.snapshotsDir = Files.createDirectories(stateDir.resolve("snapshots"));
  }

  @Override
  public StateStore open(String owner, byte[] handle) throws IOException {
    if (!StateHandle.NAME.matcher(owner).matches()) {
      throw new IllegalArgumentException(
          "Invalid state owner name: '" + owner + "' (letters, digits, '.', '_' and '-' only)");
    }
    Snapshot snapshot = handle == null ? null : Snapshot.decode(handle);
    if (snapshot != null && !snapshot.owner().equals(owner)) {
      throw new IllegalArgumentException(
          snapshot.describe() + " cannot be opened as the state of " + owner);
    }
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("The in-memory state backend is closed");
      }
      if (open.containsKey(owner)) {
        throw new IllegalStateException(
            "The state of " + owner + " is already open; close it before opening it again");
      }
      NavigableMap<byte[], byte[]> entries =
          snapshot == null ? InMemoryStateStore.emptyEntries() : read(snapshot);
      InMemoryStateStore store = new InMemoryStateStore(this, owner, entries);
      open.put(owner, store);
      if (snapshot != null) {
        newest.put(owner, snapshot);
      }
      return store;
    }
  }

  @Override
  public void read(byte[] handle, StateStore.EntryVisitor visitor) throws IOException {
    for (Map.Entry<byte[], byte[]> e : read(Snapshot.decode(handle)).entrySet()) {
      if (!visitor.visit(e.getKey(), e.getValue())) {
        return;
      }
    }
  }

  private NavigableMap<byte[], byte[]> read(Snapshot snapshot) throws IOException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(snapshotsDir.resolve(snapshot.fileName()));
    } catch (NoSuchFileException e) {
      throw new IOException(
          snapshot.describe() + " is missing snapshots/" + snapshot.fileName(), e);
    }
    String corrupt = snapshot.describe() + " is corrupt: snapshots/" + snapshot.fileName();
    if (bytes.length != snapshot.size()) {
      throw new IOException(
          corrupt + " has " + bytes.length + " bytes, expected " + snapshot.size());
    }
    NavigableMap<byte[], byte[]> entries = InMemoryStateStore.read(bytes);
    if (entries == null) {
      throw new IOException(corrupt + " fails its checksum");
    }
    return entries;
  }

  /** Writes a store's entries into a file that does not exist yet. */
  @FunctionalInterface
  interface SnapshotWriter {
    void writeTo(Path file) throws IOException;
  }

  /** Takes a snapshot of {@code owner}'s store with {@code writer}; returns its handle. */
  byte[] snapshot(String owner, long checkpointId, SnapshotWriter writer) throws IOException {
    String name = owner + "-" + checkpointId + "-" + UUID.randomUUID() + ".mem";
    Path file = snapshotsDir.resolve(name);
    Path tmp = snapshotsDir.resolve(name + ".tmp");
    synchronized (lock) {
      if (!open.containsKey(owner)) {
        throw new IllegalStateException("The state of " + owner + " is closed");
      }
      try {
        writer.writeTo(tmp);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(tmp);
      }
      try (FileChannel dir = FileChannel.open(snapshotsDir, StandardOpenOption.READ)) {
        dir.force(true);
      }
      Snapshot snapshot = new Snapshot(owner, checkpointId, name, Files.size(file));
      newest.put(owner, snapshot);
      return snapshot.encode();
    }
  }

  @Override
  public void retainOnly(Collection<byte[]> liveHandles) throws IOException {
    List<Snapshot> live = new ArrayList<>();
    for (byte[] handle : liveHandles) {
      live.add(Snapshot.decode(handle));
    }
    synchronized (lock) {
      Set<String> keep = new HashSet<>();
      live.forEach(s -> keep.add(s.fileName()));
      newest.values().forEach(s -> keep.add(s.fileName()));
      try (Stream<Path> files = Files.list(snapshotsDir)) {
        for (Path file : files.toList()) {
          if (!keep.contains(file.getFileName().toString())) {
            Files.deleteIfExists(file);
          }
        }
      }
    }
  }

  /** Called by a store that closed: forgets it. */
  void closed(InMemoryStateStore store) {
    synchronized (lock) {
      open.remove(store.owner());
    }
  }

  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
      List<InMemoryStateStore> stores = new ArrayList<>(open.values());
      for (int i = stores.size() - 1; i >= 0; i--) {
        stores.get(i).close();
      }
    }
  }

  /**
   * What an in-memory snapshot handle holds. Its fields in a {@link StateHandle} of kind {@code
   * 'M'}, version 1: owner (UTF), checkpoint id (long), file name in {@code snapshots/} (UTF), file
   * size (long).
   */
  record Snapshot(String owner, long checkpointId, String fileName, long size) {
    String describe() {
      return "State snapshot of " + owner + " at checkpoint " + checkpointId;
    }

    byte[] encode() {
      return StateHandle.encode(
          StateHandle.Kind.IN_MEMORY,
          out -> {
            out.writeUTF(owner);
            out.writeLong(checkpointId);
            out.writeUTF(fileName);
            out.writeLong(size);
          });
    }

    /**
     * Reads a handle written by any version.
     *
     * @throws IOException if the handle is unreadable or not of this backend (see {@link
     *     StateHandle#decode})
     */
    static Snapshot decode(byte[] handle) throws IOException {
      return StateHandle.decode(
          handle,
          StateHandle.Kind.IN_MEMORY,
          in -> new Snapshot(in.name(), in.readLong(), in.name(), in.readLong()));
    }
  }
}
