package io.lakestream.iceberg;

import java.util.Objects;

/**
 * The data files one writer produced for one checkpoint, listed in a manifest that is not yet part
 * of the table. This is what a committable holds (see {@link CommittableSerializer}).
 *
 * @param path the manifest's location, in the table's metadata directory
 * @param length the manifest's length in bytes
 * @param specId the partition spec the data files were written with
 * @param recordCount rows in the data files
 * @param fileCount data files listed
 */
record PendingManifest(String path, long length, int specId, long recordCount, int fileCount) {
  PendingManifest {
    Objects.requireNonNull(path, "path");
  }
}
