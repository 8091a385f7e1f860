package io.lakestream.hudi;

import java.util.Collection;

/**
 * Registers a Hudi table where a query engine finds it, and keeps the registration up to date. The
 * committer calls it after every commit that completed; an implementation registers what the commit
 * changed (its partitions, the table's columns) and must be idempotent, since a commit after a
 * restart may name partitions registered before.
 *
 * <p>One implementation exists, {@link TrinoFileMetastoreSync}; a Hive Metastore or Glue sync would
 * be another, chosen by {@link TableSyncConfig.Type}.
 */
interface TableSync {

  /** Registers nothing: the sink has no {@code sync} section. */
  TableSync NONE = (schema, partitions) -> {};

  /**
   * Brings the registration up to date after a commit.
   *
   * @param schema the rows' Avro schema, without Hudi's meta fields
   * @param partitionPaths the partition paths the commit wrote, as Hudi names them ({@code
   *     col=value/...}, empty for an unpartitioned table)
   */
  void afterCommit(org.apache.avro.Schema schema, Collection<String> partitionPaths);
}
