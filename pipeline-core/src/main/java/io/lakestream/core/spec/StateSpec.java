package io.lakestream.core.spec;

/**
 * The {@code state} section: where stateful steps keep their state.
 *
 * @param backend the store kind
 * @param keyGroups how many key groups keyed state is split into; fixed for the pipeline's life
 */
public record StateSpec(Backend backend, int keyGroups) {

  /** The state stores. */
  public enum Backend {
    /** RocksDB on local disk, snapshotted incrementally at every checkpoint. */
    ROCKSDB,
    /** A sorted map on the heap, written in full at every checkpoint; for tests and small jobs. */
    MEMORY
  }
}
