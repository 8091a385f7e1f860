package io.lakestream.core.runtime;

/**
 * How the entries a keyed step keeps in its state store belong to keys, so that a change of
 * parallelism can give each task the state of exactly the keys it owns from then on. An entry about
 * one key goes to that key's task; an entry indexing many keys is split among their tasks.
 */
@FunctionalInterface
interface StateRouting {

  /**
   * Hands {@code key → value}, or each part of it, to the task owning its key.
   *
   * @throws IllegalArgumentException if the entry is not one the step writes
   */
  void route(byte[] key, byte[] value, Destinations to);

  /** The tasks the state is split among. */
  interface Destinations {
    /** The task owning a key with this {@link KeyColumns#hash}. */
    int owner(int keyHash);

    /** Writes an entry into the store of {@code task}. */
    void put(int task, byte[] key, byte[] value);
  }
}
