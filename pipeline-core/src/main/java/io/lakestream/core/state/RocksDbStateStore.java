package io.lakestream.core.state;

import io.lakestream.core.error.PipelineException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.rocksdb.Checkpoint;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * A task's state in its own RocksDB database, opened by {@link RocksDbStateBackend}, which owns the
 * options and the snapshot files. Writes skip the write-ahead log; snapshots make them durable.
 */
final class RocksDbStateStore implements StateStore {
  private final RocksDbStateBackend backend;
  private final String owner;
  private final WriteOptions writeOptions;
  private final RocksDB db;
  private final AtomicBoolean closed = new AtomicBoolean();

  RocksDbStateStore(
      RocksDbStateBackend backend,
      String owner,
      Path dir,
      Options options,
      WriteOptions writeOptions)
      throws IOException {
    this.backend = backend;
    this.owner = owner;
    this.writeOptions = writeOptions;
    try {
      this.db = RocksDB.open(options, dir.toString());
    } catch (RocksDBException e) {
      throw new IOException(
          "Cannot open the state of " + owner + " in " + dir + ": " + e.getMessage(), e);
    }
  }

  String owner() {
    return owner;
  }

  @Override
  public byte[] get(byte[] key) {
    checkOpen();
    try {
      return db.get(key);
    } catch (RocksDBException e) {
      throw failure("read", e);
    }
  }

  @Override
  public byte[][] getAll(byte[][] keys, int count) {
    checkOpen();
    try {
      List<byte[]> found = db.multiGetAsList(Arrays.asList(keys).subList(0, count));
      return found.toArray(new byte[0][]);
    } catch (RocksDBException e) {
      throw failure("read", e);
    }
  }

  @Override
  public void write(byte[][] keys, byte[][] values, int count) {
    checkOpen();
    try (WriteBatch batch = new WriteBatch()) {
      for (int i = 0; i < count; i++) {
        if (values[i] == null) {
          batch.delete(keys[i]);
        } else {
          batch.put(keys[i], values[i]);
        }
      }
      db.write(writeOptions, batch);
    } catch (RocksDBException e) {
      throw failure("write", e);
    }
  }

  @Override
  public void put(byte[] key, byte[] value) {
    checkOpen();
    try {
      db.put(writeOptions, key, value);
    } catch (RocksDBException e) {
      throw failure("write", e);
    }
  }

  @Override
  public void delete(byte[] key) {
    checkOpen();
    try {
      db.delete(writeOptions, key);
    } catch (RocksDBException e) {
      throw failure("delete", e);
    }
  }

  @Override
  public void deleteRange(byte[] fromInclusive, byte[] toExclusive) {
    checkOpen();
    if (Arrays.compareUnsigned(fromInclusive, toExclusive) >= 0) {
      return; // RocksDB rejects a range whose end precedes its start
    }
    try {
      db.deleteRange(writeOptions, fromInclusive, toExclusive);
    } catch (RocksDBException e) {
      throw failure("delete a range", e);
    }
  }

  @Override
  public void scan(byte[] fromInclusive, byte[] toExclusive, EntryVisitor visitor) {
    checkOpen();
    if (Arrays.compareUnsigned(fromInclusive, toExclusive) >= 0) {
      return;
    }
    // the iterator reads an implicit snapshot: the visitor's own writes are not seen
    try (Slice upper = new Slice(toExclusive);
        ReadOptions read = new ReadOptions().setIterateUpperBound(upper);
        RocksIterator it = db.newIterator(read)) {
      for (it.seek(fromInclusive); it.isValid(); it.next()) {
        if (!visitor.visit(it.key(), it.value())) {
          return;
        }
      }
      it.status();
    } catch (RocksDBException e) {
      throw failure("scan", e);
    }
  }

  @Override
  public byte[] snapshot(long checkpointId) throws IOException {
    checkOpen();
    return backend.snapshot(
        owner,
        checkpointId,
        dir -> {
          // flushes the memtable, then hard-links every live SST into dir
          try (Checkpoint checkpoint = Checkpoint.create(db)) {
            checkpoint.createCheckpoint(dir.toString());
          } catch (RocksDBException e) {
            throw new IOException(
                "Cannot snapshot the state of "
                    + owner
                    + " at checkpoint "
                    + checkpointId
                    + ": "
                    + e.getMessage(),
                e);
          }
        });
  }

  @Override
  public long sizeBytes() {
    checkOpen();
    try {
      return db.getLongProperty("rocksdb.live-sst-files-size")
          + db.getLongProperty("rocksdb.cur-size-all-mem-tables");
    } catch (RocksDBException e) {
      throw failure("measure", e);
    }
  }

  @Override
  public long keyCount() {
    checkOpen();
    try {
      return db.getLongProperty("rocksdb.estimate-num-keys");
    } catch (RocksDBException e) {
      throw failure("measure", e);
    }
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      db.close();
      backend.closed(this);
    }
  }

  /** A closed database's native handle is gone: using it would crash the JVM, not throw. */
  private void checkOpen() {
    if (closed.get()) {
      throw new IllegalStateException("The state of " + owner + " is closed");
    }
  }

  private PipelineException failure(String what, RocksDBException e) {
    return new PipelineException(
        "Cannot " + what + " the state of " + owner + ": " + e.getMessage(), e);
  }
}
