package io.lakestream.hudi;

import io.lakestream.core.spec.SpecOption;
import io.lakestream.core.spec.SpecOptions;
import io.lakestream.core.spec.SpecReference;
import java.util.List;
import java.util.Map;

/**
 * The options of the {@code sink.hudi} section, declared once: {@link HudiSinkFactory} validates
 * against them and the documentation's option table is {@link #markdown()}.
 */
public final class HudiSinkOptions {

  /** Hudi's two table types. */
  public enum TableType {
    /** Every update rewrites the base file of its file group. */
    COPY_ON_WRITE,
    /** Updates go to log files beside the base file; compaction merges them. */
    MERGE_ON_READ
  }

  /** How rows reach the table. */
  public enum Operation {
    /** Every row is added; no key lookup. */
    INSERT,
    /** Every row replaces the row with the same record key; rows can be deleted by key. */
    UPSERT
  }

  /** Who compacts a merge-on-read table. */
  public enum Compaction {
    /** The pipeline compacts inline, after every {@link #COMPACT_EVERY} delta commits. */
    INLINE,
    /** The pipeline never compacts nor cleans; the maintenance command does. */
    MAINTENANCE
  }

  public static final SpecOption<String> PATH =
      SpecOption.key("path")
          .stringType()
          .required()
          .withDescription(
              "The table's base path: a local directory (relative to the working directory) or"
                  + " any Hadoop-compatible URI such as `file:///data/orders` or"
                  + " `s3://bucket/hudi/orders` (S3 through Hadoop's S3A; see `storage`). Side"
                  + " tables (dead letters, late records) go to sibling directories named after their"
                  + " tables. When `table` is `namespace.*` (a change source's tables, one lake"
                  + " table each), `path` is a directory and each table is written to"
                  + " `<path>/<name>`.");

  /** The table, declared with the spec's other sink-independent keys. */
  public static final SpecOption<String> TABLE = SpecOptions.SINK_TABLE;

  public static final SpecOption<TableType> TYPE =
      SpecOption.key("type")
          .enumType(TableType.class)
          .defaultValue(TableType.COPY_ON_WRITE)
          .withDescription(
              "The table type when the table is created: `copy-on-write` rewrites files on"
                  + " update; `merge-on-read` appends updates to log files that compaction merges"
                  + " (Trino reads merge-on-read tables read-optimized: only what is compacted).");

  public static final SpecOption<Operation> OPERATION =
      SpecOption.key("operation")
          .enumType(Operation.class)
          .defaultValue(Operation.INSERT)
          .withDescription(
              "`insert` adds every row; `upsert` makes each row replace the row with the same"
                  + " `record-key` and lets change streams delete rows.");

  public static final SpecOption<List<String>> RECORD_KEY =
      SpecOption.key("record-key")
          .stringListType()
          .withDescription(
              "The record key columns (required for `upsert`, optional for `insert`; without"
                  + " one each row gets a unique generated key). Top-level columns.");

  public static final SpecOption<String> ORDERING_FIELD =
      SpecOption.key("ordering-field")
          .stringType()
          .withDescription(
              "A column whose greatest value wins when two rows have the same key, within and"
                  + " across checkpoints. Without it, the row written last wins.");

  public static final SpecOption<List<String>> PARTITION_BY =
      SpecOption.key("partition-by")
          .stringListType()
          .withDescription(
              "Partition columns when the table is created (Hive-style `col=value` directories)."
                  + " Unpartitioned when absent.");

  public static final SpecOption<Map<String, String>> PROPERTIES =
      SpecOption.key("properties")
          .stringMapType()
          .withDescription(
              "Hudi write configuration passed through, e.g. `hoodie.parquet.compression.codec:"
                  + " zstd`. Settings lakestream's exactly-once commit depends on (the timeline"
                  + " server, failed-writes cleaning, auto-commit) cannot be overridden.");

  public static final SpecOption<Integer> TABLE_VERSION =
      SpecOption.key("table-version")
          .intType()
          .defaultValue(8)
          .withDescription(
              "The Hudi table version a new table is written at: 8 (read by Trino 476) or 9.");

  public static final SpecOption<Compaction> COMPACTION =
      SpecOption.key("compaction")
          .enumType(Compaction.class)
          .defaultValue(Compaction.INLINE)
          .withDescription(
              "Merge-on-read only: `inline` compacts after every `compact-every` delta commits;"
                  + " `maintenance` leaves compaction and cleaning to `lakestream maintain"
                  + " --action compact,clean` (the pipeline then neither compacts nor cleans).");

  public static final SpecOption<Integer> COMPACT_EVERY =
      SpecOption.key("compact-every")
          .intType()
          .defaultValue(5)
          .withDescription(
              "Merge-on-read with `compaction: inline`: delta commits per compaction.");

  public static final SpecOption<Map<String, Object>> SYNC =
      SpecOption.key(TableSyncConfig.KEY)
          .<Map<String, Object>>type("section")
          .withDescription(
              "Registers the table for query engines after every commit that adds a partition or"
                  + " a column. `type: trino-file-metastore` (the only one so far) writes Trino's"
                  + " file metastore in the local directory `dir`, under `schema` (default: the"
                  + " table's namespace), for a catalog `lakestream trino-catalog` prints; a Hive"
                  + " Metastore or Glue sync does not exist yet. Off when absent.");

  public static final SpecOption<Map<String, String>> STORAGE =
      SpecOption.key("storage")
          .stringMapType()
          .withDescription(
              "How to reach an `s3://` or `s3a://` path, with the keys of an Iceberg S3 warehouse"
                  + " and `checkpoint.storage`: `s3.endpoint`, `s3.path-style-access`,"
                  + " `client.region`, `s3.access-key-id`, `s3.secret-access-key`,"
                  + " `s3.session-token` (without keys, the AWS SDK's default credential chain);"
                  + " any `fs.s3a.*` key of Hadoop's S3A passes through. Side tables use the"
                  + " same.");

  private static final List<SpecOption<?>> ALL =
      List.of(
          PATH,
          TABLE,
          TYPE,
          OPERATION,
          RECORD_KEY,
          ORDERING_FIELD,
          PARTITION_BY,
          PROPERTIES,
          TABLE_VERSION,
          COMPACTION,
          COMPACT_EVERY,
          STORAGE,
          SYNC);

  private HudiSinkOptions() {}

  /** Every option, in the order the documentation lists them. */
  public static List<SpecOption<?>> all() {
    return ALL;
  }

  /** The option keys, in documentation order. */
  public static List<String> keys() {
    return SpecOption.keys(ALL);
  }

  /** The options as a Markdown table in the form of the spec reference, ending with a newline. */
  public static String markdown() {
    return SpecReference.table(ALL);
  }
}
