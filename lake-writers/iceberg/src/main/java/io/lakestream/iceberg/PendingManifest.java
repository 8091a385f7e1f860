package io.lakestream.iceberg;

import java.util.Objects;

/**
 * The data files or the delete files one writer produced for one checkpoint, listed in a manifest
 * that is not yet part of the table. This is what a committable holds (see {@link
 * CommittableSerializer}).
 *
 * @param content whether the manifest lists data files or delete files
 * @param path the manifest's location, in the table's metadata directory
 * @param length the manifest's length in bytes
 * @param specId the partition spec the files were written with
 * @param recordCount rows in the data files, or deletes in the delete files
 * @param fileCount files listed
 */
record PendingManifest(
    Content content, String path, long length, int specId, long recordCount, int fileCount) {

  /** What a pending manifest lists. */
  enum Content {
    DATA,
    DELETES,
    /**
     * Equality deletes committed only if a file that the position deletes refer to was rewritten
     * ({@link CommittedFileRefs}).
     */
    FALLBACK_DELETES
  }

  PendingManifest {
    Objects.requireNonNull(content, "content");
    Objects.requireNonNull(path, "path");
  }
}
