package io.lakestream.core.runtime;

import java.util.List;

/** Closing what a run opened. */
final class Resources {
  private Resources() {}

  /**
   * Closes every resource, the last one first, also when some fail; then throws the first failure,
   * with the later ones suppressed into it. Null entries are skipped.
   */
  static void closeInReverse(List<? extends AutoCloseable> resources) {
    RuntimeException first = null;
    for (int i = resources.size() - 1; i >= 0; i--) {
      AutoCloseable r = resources.get(i);
      try {
        if (r != null) {
          r.close();
        }
      } catch (Exception e) {
        RuntimeException failure =
            e instanceof RuntimeException re ? re : new IllegalStateException(e.getMessage(), e);
        if (first == null) {
          first = failure;
        } else {
          first.addSuppressed(failure);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
