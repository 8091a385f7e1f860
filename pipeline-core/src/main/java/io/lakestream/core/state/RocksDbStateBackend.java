package io.lakestream.core.state;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.CompressionType;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.TablePropertiesCollectorFactory;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each task's state in its own RocksDB and snapshots it incrementally with hard links.
 *
 * <p>Layout of the state directory:
 *
 * <ul>
 *   <li>{@code local/<owner>/}: the working database of an open store, wiped when the backend
 *       starts and when the store opens and closes;
 *   <li>{@code shared/}: every snapshotted SST file, once, under a name unique across database
 *       instances ({@code <owner>-<instance uuid>-<sst name>}), hard-linked, never copied;
 *   <li>{@code snapshots/<owner>-<checkpoint>-<uuid>/}: the small files of one snapshot (CURRENT,
 *       MANIFEST, OPTIONS);
 *   <li>{@code tmp/}: snapshots being assembled, wiped when the backend starts.
 * </ul>
 *
 * <p>A snapshot is a RocksDB checkpoint (memtable flushed, live SSTs hard-linked) whose SSTs not
 * yet in {@code shared/} are renamed there; those of the snapshot the store restored or took last
 * are reused, so a snapshot costs only the I/O of the files written since. Writes skip the WAL:
 * state is durable only through snapshots, and a restore starts from one.
 *
 * <p>Files are assembled, listed and deleted under one lock, so {@link #retainOnly} never races a
 * snapshot or a restore. It also keeps each owner's newest snapshot, taken or restored, even if no
 * live handle refers to it yet: its checkpoint may still be persisted, and an open store's next
 * snapshot reuses its SSTs.
 */
final class RocksDbStateBackend implements StateBackend {
  private static final Logger LOG = LoggerFactory.getLogger(RocksDbStateBackend.class);
  private static final long BLOCK_CACHE_BYTES = 64L << 20;

  /**
   * Per store. Smaller than RocksDB's 64 MB: inserts into a small skip list stay in the CPU caches,
   * full memtables are flushed in the background while records flow, and a snapshot has little left
   * to flush (dedupe benchmark: the final snapshot took 0.7-1.0 s with 64 MB, 0.1-0.2 s with 8 MB,
   * and the dedupe tasks' CPU fell by a quarter).
   */
  private static final long WRITE_BUFFER_BYTES = 8L << 20;

  /**
   * L0 files before they are compacted into L1 (RocksDB's default is 4): with small memtables, 4
   * files is only 32 MB, and compacting that often rewrites keys that TTL expiry deletes soon
   * after.
   */
  private static final int L0_FILES_BEFORE_COMPACTION = 8;

  /**
   * No compression for the young levels, where data is rewritten soonest (the tuning RocksDB's own
   * guide gives for write-heavy stores); LZ4 below. With the settings above, the dedupe benchmark
   * went from 5.9-6.0 to 5.5-5.75 CPU-s per million records.
   */
  private static final List<CompressionType> COMPRESSION_PER_LEVEL =
      List.of(
          CompressionType.NO_COMPRESSION,
          CompressionType.NO_COMPRESSION,
          CompressionType.LZ4_COMPRESSION,
          CompressionType.LZ4_COMPRESSION,
          CompressionType.LZ4_COMPRESSION,
          CompressionType.LZ4_COMPRESSION,
          CompressionType.LZ4_COMPRESSION);

  private static final int BLOOM_BITS_PER_KEY = 10;
  private static final long DELETION_WINDOW = 128 * 1024;
  private static final long DELETION_TRIGGER = 16 * 1024;
  private static final double DELETION_RATIO = 0.25;

  static {
    loadLibrary();
  }

  /** Loads RocksDB's native library once; later and concurrent calls wait for the first. */
  static void loadLibrary() {
    RocksDB.loadLibrary();
  }

  private final Path localDir;
  private final Path sharedDir;
  private final Path snapshotsDir;
  private final Path tmpDir;
  private final LRUCache blockCache;
  private final BloomFilter bloomFilter;
  private final TablePropertiesCollectorFactory deletionCollector;
  private final Options options;
  private final WriteOptions writeOptions;
  private final Object lock = new Object();
  private final Map<String, OpenStore> open = new LinkedHashMap<>(); // guarded by lock
  private final Map<String, Snapshot> newest = new HashMap<>(); // by owner, guarded by lock
  private boolean closed; // guarded by lock

  /**
   * An open store, the uuid naming the SSTs its database writes, and the snapshot its database
   * files last matched: restored from or taken.
   */
  private static final class OpenStore {
    final RocksDbStateStore store;
    final String instanceId = UUID.randomUUID().toString();
    Snapshot base;

    OpenStore(RocksDbStateStore store, Snapshot base) {
      this.store = store;
      this.base = base;
    }
  }

  RocksDbStateBackend(Path stateDir) throws IOException {
    this.localDir = stateDir.resolve("local");
    this.sharedDir = stateDir.resolve("shared");
    this.snapshotsDir = stateDir.resolve("snapshots");
    this.tmpDir = stateDir.resolve("tmp");
    // working copies and half-built snapshots of a previous run are worthless
    deleteRecursively(localDir);
    deleteRecursively(tmpDir);
    for (Path dir : List.of(localDir, sharedDir, snapshotsDir, tmpDir)) {
      Files.createDirectories(dir);
    }
    this.blockCache = new LRUCache(BLOCK_CACHE_BYTES);
    this.bloomFilter = new BloomFilter(BLOOM_BITS_PER_KEY);
    this.deletionCollector =
        TablePropertiesCollectorFactory.NewCompactOnDeletionCollectorFactory(
            DELETION_WINDOW, DELETION_TRIGGER, DELETION_RATIO);
    this.options =
        new Options()
            .setCreateIfMissing(true)
            .setCompressionPerLevel(COMPRESSION_PER_LEVEL)
            .setInfoLogLevel(InfoLogLevel.WARN_LEVEL)
            // the memtable is worthless at shutdown: the next open starts from a snapshot
            .setAvoidFlushDuringShutdown(true)
            .setWriteBufferSize(WRITE_BUFFER_BYTES)
            .setLevel0FileNumCompactionTrigger(L0_FILES_BEFORE_COMPACTION)
            // most lookups (a dedupe's new keys) miss: a bloom filter in front of the memtable
            // answers them without walking its skip list
            .setMemtablePrefixBloomSizeRatio(0.1)
            .setMemtableWholeKeyFiltering(true)
            .setTableFormatConfig(
                new BlockBasedTableConfig().setBlockCache(blockCache).setFilterPolicy(bloomFilter));
    // expiry deletes old keys in bulk: files full of deletes are compacted soon, so the deleted
    // data leaves the disk instead of waiting for the next level to fill up
    options.setTablePropertiesCollectorFactory(List.of(deletionCollector));
    this.writeOptions = new WriteOptions().setDisableWAL(true);
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
        throw new IllegalStateException("The RocksDB state backend is closed");
      }
      if (open.containsKey(owner)) {
        throw new IllegalStateException(
            "The state of " + owner + " is already open; close it before opening it again");
      }
      Path working = localDir.resolve(owner);
      deleteRecursively(working);
      Files.createDirectories(working);
      try {
        if (snapshot != null) {
          restoreFiles(snapshot, working);
        }
        RocksDbStateStore store =
            new RocksDbStateStore(this, owner, working, options, writeOptions);
        open.put(owner, new OpenStore(store, snapshot));
        if (snapshot != null) {
          newest.put(owner, snapshot);
          LOG.info(
              "Restored the state of {} from checkpoint {} ({} SST files)",
              owner,
              snapshot.checkpointId(),
              snapshot.files().size());
        }
        return store;
      } catch (IOException | RuntimeException e) {
        discard(working);
        throw e;
      }
    }
  }

  /** Opens a copy of the snapshot (hard links) read-only in {@code tmp/} and scans it. */
  @Override
  public void read(byte[] handle, StateStore.EntryVisitor visitor) throws IOException {
    Snapshot snapshot = Snapshot.decode(handle);
    Path copy = tmpDir.resolve("read-" + UUID.randomUUID());
    try {
      synchronized (lock) {
        if (closed) {
          throw new IllegalStateException("The RocksDB state backend is closed");
        }
        Files.createDirectories(copy);
        restoreFiles(snapshot, copy);
      }
      try (RocksDB db = RocksDB.openReadOnly(options, copy.toString());
          RocksIterator it = db.newIterator()) {
        for (it.seekToFirst(); it.isValid(); it.next()) {
          if (!visitor.visit(it.key(), it.value())) {
            return;
          }
        }
        it.status();
      } catch (RocksDBException e) {
        throw new IOException(snapshot.describe() + " cannot be read: " + e.getMessage(), e);
      }
    } finally {
      discard(copy);
    }
  }

  /** Hard-links the snapshot's SSTs and copies its small files into the empty {@code working}. */
  private void restoreFiles(Snapshot snapshot, Path working) throws IOException {
    Path meta = snapshotsDir.resolve(snapshot.metaDir());
    if (!Files.isDirectory(meta)) {
      throw new IOException(snapshot.describe() + " is missing snapshots/" + snapshot.metaDir());
    }
    for (SharedSst sst : snapshot.files()) {
      Path shared = sharedDir.resolve(sst.sharedName());
      long size;
      try {
        size = Files.size(shared);
      } catch (NoSuchFileException e) {
        throw new IOException(snapshot.describe() + " is missing shared/" + sst.sharedName(), e);
      }
      if (size != sst.size()) {
        throw new IOException(
            String.format(
                "%s is corrupt: shared/%s has %d bytes, expected %d",
                snapshot.describe(), sst.sharedName(), size, sst.size()));
      }
      Files.createLink(working.resolve(sst.localName()), shared);
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(meta)) {
      for (Path file : files) {
        Files.copy(file, working.resolve(file.getFileName()));
      }
    }
  }

  /** Writes a store's state into a directory that does not exist yet. */
  @FunctionalInterface
  interface CheckpointWriter {
    void writeTo(Path dir) throws IOException;
  }

  /**
   * Takes a snapshot of {@code owner}'s store: {@code writer} writes a RocksDB checkpoint into a
   * staging directory, whose new SSTs then move to {@code shared/} and the rest to {@code
   * snapshots/}, everything forced to disk.
   *
   * @return the handle of the snapshot
   */
  byte[] snapshot(String owner, long checkpointId, CheckpointWriter writer) throws IOException {
    String name = owner + "-" + checkpointId + "-" + UUID.randomUUID();
    Path staging = tmpDir.resolve(name);
    try {
      writer.writeTo(staging);
      synchronized (lock) {
        OpenStore state = open.get(owner);
        if (state == null) {
          throw new IllegalStateException("The state of " + owner + " is closed");
        }
        List<SharedSst> files = shareSsts(state, staging);
        try (DirectoryStream<Path> rest = Files.newDirectoryStream(staging)) {
          for (Path file : rest) {
            force(file);
          }
        }
        force(staging);
        Files.move(staging, snapshotsDir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
        force(snapshotsDir);
        state.base = new Snapshot(owner, checkpointId, name, files);
        newest.put(owner, state.base);
        return state.base.encode();
      }
    } finally {
      discard(staging); // gone already unless the snapshot failed
    }
  }

  /** Moves the staged SSTs not in the store's base snapshot to {@code shared/}; returns all. */
  private List<SharedSst> shareSsts(OpenStore state, Path staging) throws IOException {
    Map<String, SharedSst> known =
        state.base == null
            ? Map.of()
            : state.base.files().stream()
                .collect(Collectors.toMap(SharedSst::localName, Function.identity()));
    List<SharedSst> files = new ArrayList<>();
    boolean moved = false;
    try (Stream<Path> staged = Files.list(staging)) {
      for (Path file : staged.filter(f -> f.toString().endsWith(".sst")).sorted().toList()) {
        String localName = file.getFileName().toString();
        SharedSst sst = known.get(localName);
        if (sst == null) {
          sst =
              new SharedSst(
                  state.store.owner() + "-" + state.instanceId + "-" + localName,
                  localName,
                  Files.size(file));
          Path target = sharedDir.resolve(sst.sharedName());
          Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
          force(target);
          moved = true;
        }
        // rename leaves the source when the target is already a link to the same file
        Files.deleteIfExists(file);
        files.add(sst);
      }
    }
    if (moved) {
      force(sharedDir);
    }
    return files;
  }

  @Override
  public void retainOnly(Collection<byte[]> liveHandles) throws IOException {
    List<Snapshot> live = new ArrayList<>();
    for (byte[] handle : liveHandles) {
      live.add(Snapshot.decode(handle));
    }
    synchronized (lock) {
      live.addAll(newest.values());
      Set<String> ssts = new HashSet<>();
      Set<String> metaDirs = new HashSet<>();
      for (Snapshot snapshot : live) {
        metaDirs.add(snapshot.metaDir());
        snapshot.files().forEach(f -> ssts.add(f.sharedName()));
      }
      int deleted = deleteAllBut(sharedDir, ssts) + deleteAllBut(snapshotsDir, metaDirs);
      LOG.debug("Deleted {} unreferenced state snapshot files and directories", deleted);
    }
  }

  private static int deleteAllBut(Path dir, Set<String> keep) throws IOException {
    int deleted = 0;
    try (Stream<Path> entries = Files.list(dir)) {
      for (Path entry : entries.toList()) {
        if (!keep.contains(entry.getFileName().toString())) {
          deleteRecursively(entry);
          deleted++;
        }
      }
    }
    return deleted;
  }

  /** Called by a store that closed its database: forgets it and deletes its working directory. */
  void closed(RocksDbStateStore store) {
    synchronized (lock) {
      open.remove(store.owner());
      discard(localDir.resolve(store.owner()));
    }
  }

  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      List<OpenStore> stores = new ArrayList<>(open.values());
      for (int i = stores.size() - 1; i >= 0; i--) {
        stores.get(i).store.close();
      }
      writeOptions.close();
      options.close();
      bloomFilter.close();
      deletionCollector.close();
      blockCache.close();
    }
  }

  private static void force(Path path) throws IOException {
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  /** Deletes what a failure or a closed store left behind; a failure to do so only costs space. */
  private static void discard(Path path) {
    try {
      deleteRecursively(path);
    } catch (IOException e) {
      LOG.warn("Cannot delete {}; delete it by hand to free its space", path, e);
    }
  }

  private static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> tree = Files.walk(path)) {
      for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /** One SST of a snapshot: its name in {@code shared/} and in the database directory. */
  record SharedSst(String sharedName, String localName, long size) {}

  /**
   * What a RocksDB snapshot handle holds. Its fields in a {@link StateHandle} of kind {@code 'R'},
   * version 1: owner (UTF), checkpoint id (long), snapshot directory name (UTF), SST count (int),
   * then per SST: shared name (UTF), local name (UTF), size in bytes (long).
   */
  record Snapshot(String owner, long checkpointId, String metaDir, List<SharedSst> files) {
    Snapshot {
      files = List.copyOf(files);
    }

    String describe() {
      return "State snapshot of " + owner + " at checkpoint " + checkpointId;
    }

    byte[] encode() {
      return StateHandle.encode(
          StateHandle.Kind.ROCKSDB,
          out -> {
            out.writeUTF(owner);
            out.writeLong(checkpointId);
            out.writeUTF(metaDir);
            out.writeInt(files.size());
            for (SharedSst f : files) {
              out.writeUTF(f.sharedName());
              out.writeUTF(f.localName());
              out.writeLong(f.size());
            }
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
          StateHandle.Kind.ROCKSDB,
          in -> {
            String owner = in.name();
            long checkpointId = in.readLong();
            String metaDir = in.name();
            int count = in.count("files");
            List<SharedSst> files = new ArrayList<>();
            for (int i = 0; i < count; i++) {
              files.add(new SharedSst(in.name(), in.name(), in.readLong()));
            }
            return new Snapshot(owner, checkpointId, metaDir, files);
          });
    }
  }
}
