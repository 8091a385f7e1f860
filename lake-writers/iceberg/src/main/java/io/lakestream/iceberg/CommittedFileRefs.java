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
 * @param dataFiles the files' locations
 */
record CommittedFileRefs(long oldestCheckpoint, Set<String> dataFiles) {
  /** No reference: the checkpoint deletes no committed row by position. */
  static final CommittedFileRefs NONE = new CommittedFileRefs(Long.MAX_VALUE, Set.of());

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
    return new CommittedFileRefs(Math.min(oldestCheckpoint, other.oldestCheckpoint), files);
  }
}
