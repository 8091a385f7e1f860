package io.lakestream.core.runtime;

/**
 * How keys are spread over the tasks of a keyed step: a key's hash picks one of a fixed number of
 * key groups, and each of the step's tasks owns a contiguous range of key groups. The number of key
 * groups never changes for a pipeline, so a key stays in its group whatever the parallelism; only
 * the ranges move when the parallelism changes, which is what lets a restart with another
 * parallelism hand each task the state of exactly the keys it now owns.
 *
 * @param count how many key groups there are, at least the number of tasks
 */
record KeyGroups(int count) {
  KeyGroups {
    if (count < 1) {
      throw new IllegalArgumentException("There must be at least one key group: " + count);
    }
  }

  /** The key group of a key with this hash (from {@link KeyColumns#hash}). */
  int of(int hash) {
    int h = hash * 0x9E3779B9; // spread hashes of small integers over all groups
    return Math.floorMod(h ^ (h >>> 16), count);
  }

  /**
   * The task owning {@code keyGroup} among {@code tasks}: task {@code i} owns the groups {@code g}
   * with {@code g * tasks / count == i}, a contiguous range of about {@code count / tasks}.
   */
  int task(int keyGroup, int tasks) {
    return (int) ((long) keyGroup * tasks / count);
  }

  /** The task owning a key with this hash among {@code tasks}. */
  int owner(int hash, int tasks) {
    return task(of(hash), tasks);
  }
}
