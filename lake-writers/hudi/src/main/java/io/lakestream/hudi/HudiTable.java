package io.lakestream.hudi;

import io.lakestream.core.error.PipelineException;
import io.lakestream.core.sink.SinkContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hudi.common.config.HoodieMetadataConfig;
import org.apache.hudi.common.config.RecordMergeMode;
import org.apache.hudi.common.config.TypedProperties;
import org.apache.hudi.common.model.HoodieCleaningPolicy;
import org.apache.hudi.common.model.HoodieFailedWritesCleaningPolicy;
import org.apache.hudi.common.model.HoodieTableType;
import org.apache.hudi.common.model.WriteConcurrencyMode;
import org.apache.hudi.common.table.HoodieTableMetaClient;
import org.apache.hudi.config.HoodieCleanConfig;
import org.apache.hudi.config.HoodieCompactionConfig;
import org.apache.hudi.config.HoodieIndexConfig;
import org.apache.hudi.config.HoodieWriteConfig;
import org.apache.hudi.hadoop.fs.HadoopFSUtils;
import org.apache.hudi.index.HoodieIndex;
import org.apache.hudi.keygen.BaseKeyGenerator;
import org.apache.hudi.keygen.factory.HoodieAvroKeyGeneratorFactory;
import org.apache.hudi.storage.StorageConfiguration;

/**
 * Where one Hudi table lives and how lakestream writes it: the base path, the layout a new table
 * gets, and the write configuration every commit uses.
 *
 * <p>The write configuration is what exactly-once depends on: the embedded timeline server is off
 * (direct markers), failed writes are rolled back eagerly when the next instant starts, which is
 * safe because lakestream's committables are its own staged rows, never Hudi's data files (see
 * {@link HudiCommitter}), and the metadata table is off so a rolled-back instant leaves nothing
 * behind that a reader of the file listing could see.
 *
 * @param name the Hudi table name (the last segment of the lakestream table name)
 * @param basePath the table's base path as a URI, e.g. {@code file:/work/warehouse/orders}
 * @param config the sink section
 * @param recordKey the record key columns; empty when every row gets a generated key
 * @param avroSchema the rows' Avro schema
 */
record HudiTable(
    String name,
    String basePath,
    HudiSinkConfig config,
    List<String> recordKey,
    org.apache.avro.Schema avroSchema) {

  /** The record key field a table without key columns gets, holding a generated unique key. */
  static final String GENERATED_KEY = "_lakestream_key";

  /** The directory below the base path where lakestream keeps its own files. */
  static final String LAKESTREAM_DIR = ".hoodie/lakestream";

  HudiTable {
    recordKey = List.copyOf(recordKey);
  }

  /**
   * The base path of {@code context.table()}. When the section's {@code table} routes several
   * source tables ({@code namespace.*}), {@code path} is a directory holding one table per name:
   * {@code <path>/<name>}. Otherwise the section's {@code path} for the output table, a sibling
   * directory named after the table for a side table.
   */
  static String basePath(HudiSinkConfig config, SinkContext context) {
    String uri = uri(config.path()).toString().replaceAll("/+$", "");
    Object table = context.config().get(HudiSinkOptions.TABLE.key());
    if (table instanceof String t && t.endsWith(".*")) {
      return uri + "/" + tableName(context.table());
    }
    if (context.role() == SinkContext.Role.OUTPUT) {
      return uri;
    }
    return uri.substring(0, uri.lastIndexOf('/') + 1) + tableName(context.table());
  }

  /** The Hudi table name of a lakestream table name: its last segment. */
  static String tableName(String table) {
    return table.substring(table.lastIndexOf('.') + 1);
  }

  private static URI uri(String path) {
    URI uri = URI.create(path.replace(" ", "%20"));
    if (uri.getScheme() == null || uri.getScheme().length() == 1) {
      return Path.of(path).toAbsolutePath().normalize().toUri();
    }
    return uri;
  }

  /** The file system of the base path. */
  FileSystem fileSystem() throws IOException {
    return new org.apache.hadoop.fs.Path(basePath).getFileSystem(hadoopConf());
  }

  /** A Hadoop configuration for the table's file system. */
  Configuration hadoopConf() {
    return HadoopStorage.conf(config.storage());
  }

  /** Hudi's view of the table's storage. */
  StorageConfiguration<Configuration> storageConf() {
    return storageConf(config.storage());
  }

  /** Hudi's view of storage described by {@code storage} (see {@link HadoopStorage}). */
  static StorageConfiguration<Configuration> storageConf(Map<String, String> storage) {
    return HadoopFSUtils.getStorageConf(HadoopStorage.conf(storage));
  }

  /** Whether a Hudi table exists at the base path. */
  boolean exists() throws IOException {
    return fileSystem()
        .exists(new org.apache.hadoop.fs.Path(basePath, ".hoodie/hoodie.properties"));
  }

  /** Creates the table with the section's layout, unless it exists. */
  HoodieTableMetaClient createOrLoad() {
    try {
      if (exists()) {
        return metaClient();
      }
      HoodieTableMetaClient.TableBuilder builder =
          HoodieTableMetaClient.newTableBuilder()
              .setTableName(name)
              .setTableType(
                  config.type() == HudiSinkOptions.TableType.MERGE_ON_READ
                      ? HoodieTableType.MERGE_ON_READ
                      : HoodieTableType.COPY_ON_WRITE)
              .setTableVersion(config.tableVersion())
              .setTableCreateSchema(avroSchema.toString())
              .setRecordKeyFields(String.join(",", keyFields()))
              .setPartitionFields(String.join(",", config.partitionBy()))
              .setHiveStylePartitioningEnable(true)
              .setKeyGeneratorClassProp(keyGeneratorClass())
              .setRecordMergeMode(mergeMode())
              .setBaseFileFormat("PARQUET")
              .setPopulateMetaFields(true);
      if (config.orderingField() != null) {
        builder.setOrderingFields(config.orderingField());
      }
      return builder.initTable(storageConf(), basePath);
    } catch (IOException e) {
      throw new PipelineException(
          "Cannot create Hudi table " + name + " at " + basePath + ": " + e.getMessage(), e);
    }
  }

  /** The table's meta client, its timeline loaded now. */
  HoodieTableMetaClient metaClient() {
    return HoodieTableMetaClient.builder()
        .setConf(storageConf())
        .setBasePath(basePath)
        .setLoadActiveTimelineOnLoad(true)
        .build();
  }

  /** The record key fields: the key columns, or the generated key's field. */
  List<String> keyFields() {
    return recordKey.isEmpty() ? List.of(GENERATED_KEY) : recordKey;
  }

  String keyGeneratorClass() {
    return config.partitionBy().isEmpty()
        ? "org.apache.hudi.keygen.NonpartitionedAvroKeyGenerator"
        : "org.apache.hudi.keygen.ComplexAvroKeyGenerator";
  }

  RecordMergeMode mergeMode() {
    return config.orderingField() == null
        ? RecordMergeMode.COMMIT_TIME_ORDERING
        : RecordMergeMode.EVENT_TIME_ORDERING;
  }

  /** A key generator of the table's record keys and partition paths. */
  BaseKeyGenerator keyGenerator() {
    TypedProperties props = new TypedProperties();
    props.putAll(keyGeneratorProperties());
    try {
      return (BaseKeyGenerator) HoodieAvroKeyGeneratorFactory.createKeyGenerator(props);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The properties the key generator reads. */
  Properties keyGeneratorProperties() {
    Properties props = new Properties();
    props.setProperty("hoodie.datasource.write.recordkey.field", String.join(",", keyFields()));
    props.setProperty(
        "hoodie.datasource.write.partitionpath.field", String.join(",", config.partitionBy()));
    props.setProperty("hoodie.datasource.write.hive_style_partitioning", "true");
    props.setProperty("hoodie.datasource.write.keygenerator.class", keyGeneratorClass());
    return props;
  }

  /**
   * The write configuration of every commit. BLOOM index: Hudi's default, it prunes files by key
   * ranges and Bloom filters kept in the Parquet footers, so appends of new keys (the common case)
   * touch no data, and it needs neither the metadata table nor a fixed bucket count.
   */
  HoodieWriteConfig writeConfig() {
    return writeConfig(avroSchema);
  }

  /**
   * Whether the table's services are the maintenance command's: a merge-on-read table with {@code
   * compaction: maintenance}, whose writer then neither compacts nor cleans, so that a cleaner of
   * its own never races the one {@code lakestream maintain} runs.
   */
  boolean leavesServicesToMaintenance() {
    return config.type() == HudiSinkOptions.TableType.MERGE_ON_READ
        && config.compaction() == HudiSinkOptions.Compaction.MAINTENANCE;
  }

  /** The write configuration of a commit whose rows have {@code schema}. */
  HoodieWriteConfig writeConfig(org.apache.avro.Schema schema) {
    HoodieWriteConfig.Builder builder =
        HoodieWriteConfig.newBuilder()
            .withPath(basePath)
            .forTable(name)
            .withSchema(schema.toString())
            .withProps(Map.copyOf(config.properties()))
            .withParallelism(2, 2)
            .withDeleteParallelism(2)
            .withWriteTableVersion(config.tableVersion())
            .withAutoUpgradeVersion(false)
            .withEmbeddedTimelineServerEnabled(false)
            .withMarkersType("DIRECT")
            .withWriteConcurrencyMode(WriteConcurrencyMode.SINGLE_WRITER)
            .withRecordMergeMode(mergeMode())
            .withIndexConfig(
                HoodieIndexConfig.newBuilder().withIndexType(HoodieIndex.IndexType.BLOOM).build())
            .withMetadataConfig(HoodieMetadataConfig.newBuilder().enable(false).build())
            .withCleanConfig(
                HoodieCleanConfig.newBuilder()
                    .withAutoClean(!leavesServicesToMaintenance())
                    .withFailedWritesCleaningPolicy(HoodieFailedWritesCleaningPolicy.EAGER)
                    .withCleanerPolicy(HoodieCleaningPolicy.KEEP_LATEST_COMMITS)
                    .build());
    if (config.type() == HudiSinkOptions.TableType.MERGE_ON_READ) {
      builder.withCompactionConfig(
          HoodieCompactionConfig.newBuilder()
              .withInlineCompaction(config.compaction() == HudiSinkOptions.Compaction.INLINE)
              .withMaxNumDeltaCommitsBeforeCompaction(config.compactEvery())
              .build());
    }
    Map<String, String> keys = new java.util.HashMap<>();
    keyGeneratorProperties().forEach((k, v) -> keys.put((String) k, (String) v));
    // The check guards tables that Hudi 0.14.1 to 1.0.2 wrote with one key field and the complex
    // key generator (HUDI-7001); lakestream's tables are written by this release only, and
    // without this every commit to a partitioned table with a one-column key fails.
    keys.put("hoodie.write.complex.keygen.validation.enable", "false");
    return builder.withProps(keys).build();
  }
}
