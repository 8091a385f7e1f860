package io.lakestream.iceberg;

import org.apache.iceberg.StructLike;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.StructLikeMap;

/**
 * Where the current row of each key an upsert writer wrote in an earlier checkpoint lives: its data
 * file, its position in the file and the checkpoint that wrote it. With it a later change of the
 * key deletes that row by position instead of by an equality delete, which every reader would
 * otherwise apply to every older data file.
 *
 * <p>The index holds one entry per key, up to {@code maxKeys}; a key not in it (first seen,
 * deleted, beyond the bound, or seen before a restart: the index lives in memory and starts empty)
 * is deleted by equality as before. Entries of a full index are kept and updated, new keys are left
 * out. Each entry costs about 150 bytes of heap beyond the key's own values (a map entry, a key
 * copy and the row's location; file paths are shared by the rows of a file).
 */
final class KeyIndex {
  private final int maxKeys;
  private final StructLikeMap<Row> rows;

  /**
   * @param keyType the key columns
   * @param maxKeys the most keys kept
   */
  KeyIndex(Types.StructType keyType, int maxKeys) {
    this.maxKeys = maxKeys;
    this.rows = StructLikeMap.create(keyType);
  }

  /** Where the current row of {@code key} lives, or null if the index does not know. */
  Row get(StructLike key) {
    return rows.get(key);
  }

  /**
   * Records that the current row of {@code key} (kept, not copied) was written at {@code position}
   * of {@code path} for checkpoint {@code checkpointId}, unless the index is full and does not know
   * the key.
   */
  void put(StructLike key, CharSequence path, long position, long checkpointId) {
    Row row = new Row(path, position, checkpointId);
    if (rows.size() < maxKeys) {
      rows.put(key, row);
    } else {
      rows.computeIfPresent(key, (k, old) -> row);
    }
  }

  /** Forgets {@code key}: it has no row any more. */
  void remove(StructLike key) {
    rows.remove(key);
  }

  int size() {
    return rows.size();
  }

  /** Where a committed row lives. */
  record Row(CharSequence path, long position, long checkpointId) {}
}
