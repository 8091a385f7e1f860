package io.lakestream.core.state;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;

/**
 * Opens the {@link StateStore}s of a process's tasks and owns their snapshots, all under one state
 * directory. A task's state is identified by its owner name (e.g. {@code window-0}); a snapshot by
 * the handle {@link StateStore#snapshot} returned, which the checkpoint records.
 *
 * <p>One backend at a time may use a state directory. Its methods may be called from any thread.
 * Closing the backend closes the stores still open, newest first.
 */
public interface StateBackend extends AutoCloseable {
  /** The name of the RocksDB backend, the default. */
  String ROCKSDB = "rocksdb";

  /** The name of the in-memory backend, for tests and small jobs. */
  String MEMORY = "memory";

  /**
   * The backend called {@code kind} ({@value #ROCKSDB} or {@value #MEMORY}) over {@code stateDir},
   * which is created if needed.
   *
   * @throws IllegalArgumentException if {@code kind} names no backend
   * @throws IOException if the state directory cannot be prepared
   */
  static StateBackend create(String kind, Path stateDir) throws IOException {
    return switch (kind) {
      case ROCKSDB -> new RocksDbStateBackend(stateDir);
      case MEMORY -> new InMemoryStateBackend(stateDir);
      default ->
          throw new IllegalArgumentException(
              "Unknown state backend: '" + kind + "' (use " + ROCKSDB + " or " + MEMORY + ")");
    };
  }

  /**
   * Starts preparing backend {@code kind} on a background thread, so that a {@link #create} soon
   * after is faster: RocksDB's native library takes about 150 ms to unpack and load, which can
   * overlap opening the catalog and tables. Does nothing for other kinds.
   */
  static void prepare(String kind) {
    if (kind.equals(ROCKSDB)) {
      Thread loader = new Thread(RocksDbStateBackend::loadLibrary, "lakestream-rocksdb-loader");
      loader.setDaemon(true);
      loader.start();
    }
  }

  /**
   * Opens the state of {@code owner}: empty if {@code handle} is null, otherwise exactly the
   * contents snapshotted into {@code handle}.
   *
   * @param owner a task name of letters, digits, '.', '_' and '-'
   * @throws IllegalArgumentException if {@code owner} is not a valid name or {@code handle} was
   *     taken for another owner
   * @throws IllegalStateException if {@code owner}'s state is already open in this backend
   * @throws IOException if the handle is unreadable or its snapshot is missing or corrupt; the
   *     message names the owner, the checkpoint and the file
   */
  StateStore open(String owner, byte[] handle) throws IOException;

  /**
   * Visits every entry of the snapshot {@code handle} refers to, in key order, without opening it
   * as its owner's store: how the state of one owner is split among others when the parallelism
   * changes. Safe beside open stores, snapshots and {@link #retainOnly}.
   *
   * @throws IOException as {@link #open} does for an unreadable handle or a missing or corrupt
   *     snapshot
   */
  void read(byte[] handle, StateStore.EntryVisitor visitor) throws IOException;

  /**
   * Deletes the snapshot files no live handle refers to: those of checkpoints no longer kept and
   * those of snapshots whose checkpoint was never persisted. Never deletes a file that one of
   * {@code liveHandles} refers to, nor one of the newest snapshot of each owner this backend took
   * or restored (its checkpoint may be about to be persisted). Safe to call while tasks snapshot.
   *
   * @param liveHandles the handles of every checkpoint still kept, for every owner
   * @throws IOException if a handle is unreadable (nothing is deleted then) or a deletion fails
   */
  void retainOnly(Collection<byte[]> liveHandles) throws IOException;

  @Override
  void close();
}
