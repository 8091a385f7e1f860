package io.lakestream.core.state;

import java.io.IOException;

/**
 * The keyed state of one task: byte-array keys in unsigned lexicographic order (RocksDB's default
 * order) mapped to byte-array values.
 *
 * <p>A store is used by the thread of the task that owns it, one call at a time; only {@link
 * #close()} may come from another thread, after the task has stopped. Arrays passed in are not kept
 * and arrays handed out are the caller's: either side may change them afterwards. Range bounds are
 * never null; a range whose start is not below its end is empty. Failures of the underlying storage
 * are thrown as {@link io.lakestream.core.error.PipelineException}: the task cannot go on.
 */
public interface StateStore extends AutoCloseable {

  /** The value stored under {@code key}, or null if there is none. */
  byte[] get(byte[] key);

  /**
   * The values stored under the first {@code count} keys, in the same order, null where absent; one
   * call for many keys is much cheaper than {@link #get} for each.
   */
  byte[][] getAll(byte[][] keys, int count);

  /**
   * Applies the first {@code count} entries in order, in one write: a put where the value is not
   * null, a delete where it is; much cheaper than one {@link #put} or {@link #delete} each.
   */
  void write(byte[][] keys, byte[][] values, int count);

  /** Stores {@code value} under {@code key}, replacing any previous value. */
  void put(byte[] key, byte[] value);

  /** Removes {@code key}; does nothing if it is absent. */
  void delete(byte[] key);

  /** Removes every key from {@code fromInclusive} up to, not including, {@code toExclusive}. */
  void deleteRange(byte[] fromInclusive, byte[] toExclusive);

  /**
   * Visits the entries from {@code fromInclusive} up to, not including, {@code toExclusive} in key
   * order until {@code visitor} returns false. The visitor may write to the store; whether the rest
   * of the scan sees those writes is up to the implementation.
   */
  void scan(byte[] fromInclusive, byte[] toExclusive, EntryVisitor visitor);

  /**
   * Makes the current contents durable (forced to disk) as part of checkpoint {@code checkpointId}
   * and returns a small opaque, versioned handle from which {@link StateBackend#open} restores
   * exactly these contents. Called between records. The snapshot's files stay until {@link
   * StateBackend#retainOnly} finds no live handle referring to them.
   *
   * @throws IOException if the snapshot cannot be written; nothing of it is referenced then
   */
  byte[] snapshot(long checkpointId) throws IOException;

  /**
   * The approximate size of the live contents in bytes, for metrics: what the store's files and
   * memory buffers hold (RocksDB) or the sum of key and value lengths (in memory).
   */
  long sizeBytes();

  /**
   * The number of keys, for metrics: exact in memory; RocksDB's estimate ({@code
   * rocksdb.estimate-num-keys}), which counts a key overwritten or deleted since the last
   * compaction more than once.
   */
  long keyCount();

  /**
   * Releases the store's resources and its working files; its snapshots stay. Idempotent; any other
   * call after it fails with {@link IllegalStateException}.
   */
  @Override
  void close();

  /** Receives the entries of a {@link #scan}. */
  @FunctionalInterface
  interface EntryVisitor {
    /**
     * Called once per entry, in key order.
     *
     * @return true to continue with the next entry, false to stop the scan
     */
    boolean visit(byte[] key, byte[] value);
  }
}
