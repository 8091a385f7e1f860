package io.lakestream.iceberg;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.MetadataColumns;
import org.apache.iceberg.Schema;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.StructLikeMap;
import org.apache.iceberg.util.StructLikeSet;

/**
 * Where the current row of each key an upsert writer wrote in an earlier checkpoint lives: its data
 * file, its position in the file and the checkpoint that wrote it. With it a later change of the
 * key deletes that row by position instead of by an equality delete, which every reader would
 * otherwise apply to every older data file.
 *
 * <p>The index holds one entry per key, up to {@code maxKeys}; a key not in it (first seen,
 * deleted, or beyond the bound) is deleted by equality as before. It lives in memory: a writer that
 * starts (after a restart, a crash or with another parallelism) {@linkplain #load loads} it from
 * the table as committed, which is exactly what a position delete may refer to. Entries of a full
 * index are kept and updated, new keys are left out. Each entry costs about 190 bytes of heap with
 * one long key column (measured with 1,000,000 keys: a map entry, the key's copy and boxed value,
 * and the row's location; file paths are shared by the rows of a file).
 */
final class KeyIndex {
  /** The {@code checkpointId} of rows known from the table when the index was loaded. */
  static final long LOADED = -1;

  private final int maxKeys;
  private final StructLikeMap<Row> rows;
  private long loadedSnapshot = CommittedFileRefs.NO_SNAPSHOT;

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

  /**
   * The snapshot the index was {@linkplain #load loaded} from, or {@link
   * CommittedFileRefs#NO_SNAPSHOT}.
   */
  long loadedSnapshot() {
    return loadedSnapshot;
  }

  /** Key column types whose values the generic reader returns as the writers' rows hold them. */
  private static final Set<Type.TypeID> LOADABLE =
      Set.of(Type.TypeID.INTEGER, Type.TypeID.LONG, Type.TypeID.STRING);

  /**
   * The index of the live rows of {@code table} (its current snapshot, read with the generic reader
   * applying all deletes), or an empty index when the table has no snapshot or a key column of a
   * type other than int, long or string. A key with two live rows (which a single upsert writer
   * never leaves) is left out, so that its change deletes both by equality.
   *
   * @param keySchema the key columns, as the table's columns
   */
  static KeyIndex load(Table table, Schema keySchema, int maxKeys) {
    KeyIndex index = new KeyIndex(keySchema.asStruct(), maxKeys);
    org.apache.iceberg.Snapshot snapshot = table.currentSnapshot();
    if (snapshot == null
        || !keySchema.columns().stream().allMatch(f -> LOADABLE.contains(f.type().typeId()))) {
      return index;
    }
    List<Types.NestedField> fields = new ArrayList<>(keySchema.columns());
    fields.add(MetadataColumns.FILE_PATH);
    fields.add(MetadataColumns.ROW_POSITION);
    int keys = keySchema.columns().size();
    StructLikeSet twice = StructLikeSet.create(keySchema.asStruct());
    Map<String, String> paths = new HashMap<>(); // one path string per file, not per row
    try (CloseableIterable<Record> rows =
        IcebergGenerics.read(table)
            .useSnapshot(snapshot.snapshotId())
            .project(new Schema(fields))
            .build()) {
      for (Record r : rows) {
        Object[] values = new Object[keys];
        for (int i = 0; i < keys; i++) {
          values[i] = r.get(i);
        }
        StructLike key = new KeyValues(values);
        if (index.rows.size() >= maxKeys && index.rows.get(key) == null) {
          continue;
        }
        String path = paths.computeIfAbsent(r.get(keys).toString(), p -> p);
        Row previous = index.rows.put(key, new Row(path, (Long) r.get(keys + 1), LOADED));
        if (previous != null) {
          twice.add(key);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the keys of table " + table.name(), e);
    }
    twice.forEach(index.rows::remove);
    index.loadedSnapshot = snapshot.snapshotId();
    return index;
  }

  /** Where a committed row lives. */
  record Row(CharSequence path, long position, long checkpointId) {}
}
