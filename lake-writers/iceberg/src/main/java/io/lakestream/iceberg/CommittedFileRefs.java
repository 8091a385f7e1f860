package io.lakestream.iceberg;

import java.util.Set;

/**
 * The committed data files a checkpoint's position deletes remove rows from, and the oldest
 * checkpoint that wrote one of them. Maintenance may rewrite such a file before the checkpoint
 * commits, which would leave the deleted row alive in the new file; the commit therefore checks
 * that every one of them still exists since that checkpoint's snapshot, and otherwise commits the
 * checkpoint's fallback equality deletes as well.
 *
 * @param oldestCheckpoint the oldest checkpoint of this writer that wrote one of the files
 * @param loadedSnapshot the snapshot a writer's {@link KeyIndex} was loaded from, if some rows are
 *     known from there (the oldest point then), else {@link #NO_SNAPSHOT}
 * @param dataFiles the files' locations
 */
record CommittedFileRefs(long oldestCheckpoint, long loadedSnapshot, Set<String> dataFiles) {
  /** The {@code loadedSnapshot} of references to no row known from a loaded index. */
  static final long NO_SNAPSHOT = -1;

  /**
   * The {@code loadedSnapshot} of references to rows known from indexes loaded from different
   * snapshots: the commit does not validate them and commits the fallback deletes.
   */
  static final long UNKNOWN_SNAPSHOT = -2;

  /** No reference: the checkpoint deletes no committed row by position. */
  static final CommittedFileRefs NONE =
      new CommittedFileRefs(Long.MAX_VALUE, NO_SNAPSHOT, Set.of());

  CommittedFileRefs {
    dataFiles = Set.copyOf(dataFiles);
  }

  boolean isEmpty() {
    return dataFiles.isEmpty();
  }

  /** The references of both. */
  CommittedFileRefs plus(CommittedFileRefs other) {
    if (other.isEmpty()) {
      return this;
    }
    if (isEmpty()) {
      return other;
    }
    java.util.Set<String> files = new java.util.HashSet<>(dataFiles);
    files.addAll(other.dataFiles);
    long loaded =
        loadedSnapshot == NO_SNAPSHOT
            ? other.loadedSnapshot
            : other.loadedSnapshot == NO_SNAPSHOT || other.loadedSnapshot == loadedSnapshot
                ? loadedSnapshot
                : UNKNOWN_SNAPSHOT; // writers that loaded different snapshots: not validated
    return new CommittedFileRefs(Math.min(oldestCheckpoint, other.oldestCheckpoint), loaded, files);
  }
}
