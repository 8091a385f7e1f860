package io.lakestream.core.storage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;

/**
 * The files below one root of an object store ({@code s3://bucket/path}), named by their path
 * relative to that root with {@code /} between segments. Each file is written whole: a reader sees
 * all of an upload or nothing of it. Implementations come from a {@link RemoteStorageFactory}.
 */
public interface RemoteStorage extends AutoCloseable {
  /**
   * Every file below the root, with its size in bytes.
   *
   * @throws IOException if the store cannot be listed
   */
  Map<String, Long> list() throws IOException;

  /**
   * Writes local file {@code source} as {@code name}, replacing a file of that name.
   *
   * @throws IOException if the file cannot be read or the store does not take it
   */
  void upload(Path source, String name) throws IOException;

  /**
   * Copies file {@code name} to local file {@code target}, replacing it.
   *
   * @throws IOException if the file is missing or cannot be read or written
   */
  void download(String name, Path target) throws IOException;

  /**
   * Deletes files {@code names}; names that do not exist are no error.
   *
   * @throws IOException if the store refuses a deletion
   */
  void delete(Collection<String> names) throws IOException;

  /** Where the root is, for messages: its URI. */
  String location();

  @Override
  void close();
}
