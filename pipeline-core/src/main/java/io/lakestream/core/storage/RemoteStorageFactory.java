package io.lakestream.core.storage;

import io.lakestream.core.error.PipelineException;
import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;

/**
 * Opens {@link RemoteStorage} for the URI schemes it serves; found with {@link ServiceLoader}, so
 * that pipeline-core knows no object store's client. lakestream-catalog provides {@code s3}.
 */
public interface RemoteStorageFactory {
  /** The URI schemes this factory serves, lower case: {@code s3}, {@code s3a}, ... */
  Set<String> schemes();

  /**
   * The storage below {@code root}.
   *
   * @param properties how to reach the store (endpoint, region, credentials), as the spec gives
   *     them
   * @throws PipelineException if the store's client cannot be built from {@code properties}
   */
  RemoteStorage open(URI root, Map<String, String> properties);

  /**
   * The storage below {@code root}, from the first factory on the class path that serves its
   * scheme.
   *
   * @throws PipelineException if no factory serves the scheme; the message lists the schemes that
   *     are served
   */
  static RemoteStorage forUri(URI root, Map<String, String> properties) {
    String scheme = root.getScheme() == null ? "" : root.getScheme().toLowerCase(Locale.ROOT);
    Set<String> served = new TreeSet<>();
    for (RemoteStorageFactory f : ServiceLoader.load(RemoteStorageFactory.class)) {
      if (f.schemes().contains(scheme)) {
        return f.open(root, properties);
      }
      served.addAll(f.schemes());
    }
    throw new PipelineException(
        "No storage for "
            + root
            + " on the class path: checkpoints can be kept in "
            + (served.isEmpty() ? "local directories only" : "local directories and " + served)
            + " (lakestream-catalog, in lib/, provides s3)");
  }
}
