package io.lakestream.hudi;

import io.lakestream.core.error.PipelineException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.avro.Schema;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hudi.avro.model.HoodieCleanMetadata;
import org.apache.hudi.avro.model.HoodieCleanPartitionMetadata;
import org.apache.hudi.avro.model.HoodieCompactionOperation;
import org.apache.hudi.avro.model.HoodieCompactionPlan;
import org.apache.hudi.client.HoodieJavaWriteClient;
import org.apache.hudi.client.common.HoodieJavaEngineContext;
import org.apache.hudi.common.config.HoodieMetadataConfig;
import org.apache.hudi.common.model.HoodieCleaningPolicy;
import org.apache.hudi.common.model.HoodieFailedWritesCleaningPolicy;
import org.apache.hudi.common.model.HoodieRecordPayload;
import org.apache.hudi.common.model.HoodieTableType;
import org.apache.hudi.common.model.HoodieWriteStat;
import org.apache.hudi.common.model.WriteConcurrencyMode;
import org.apache.hudi.common.table.HoodieTableConfig;
import org.apache.hudi.common.table.HoodieTableMetaClient;
import org.apache.hudi.common.table.TableSchemaResolver;
import org.apache.hudi.common.table.timeline.HoodieInstant;
import org.apache.hudi.common.util.CompactionUtils;
import org.apache.hudi.common.util.Option;
import org.apache.hudi.config.HoodieArchivalConfig;
import org.apache.hudi.config.HoodieCleanConfig;
import org.apache.hudi.config.HoodieCompactionConfig;
import org.apache.hudi.config.HoodieWriteConfig;
import org.apache.hudi.table.action.HoodieWriteMetadata;
import org.openjdk.jol.vm.VM;

/**
 * Hudi's table services on one table, for the maintenance command: compaction of a merge-on-read
 * table's log files and cleaning of old file slices. Results are counts by stable name, so no Hudi
 * type leaves the module.
 *
 * <p>Safe beside the table's live lakestream writer, without a lock provider, because of what each
 * side does and never does:
 *
 * <ul>
 *   <li>The writer is Hudi's single writer; its eager rollback of failed writes (every {@code
 *       startCommit} and {@link HudiCommitter#fence}) rolls back pending delta commits only, never
 *       a pending compaction or clean. Nothing here ever starts a write or rolls back a write: the
 *       client is built with the same eager policy, under which neither scheduling nor cleaning
 *       rolls back failed writes, and archival and automatic cleaning are off in it.
 *   <li>A compaction plan names only file slices of completed instants. A delta commit of the
 *       writer that completes after the plan was requested belongs to the next file slice (table
 *       version 8 slices files by completion time), so the compaction neither loses nor merges it;
 *       readers merge the compacted base file with the logs written meanwhile.
 *   <li>Recovery of a persisted but uncommitted checkpoint needs the writer's staged rows, which
 *       live under {@value HudiTable#LAKESTREAM_DIR} and are never a file slice, and the commit
 *       metadata of the timeline, which cleaning does not touch. Cleaning keeps the file slices the
 *       {@code retainCommits} newest commits read (Hudi's {@code KEEP_LATEST_COMMITS}), so a
 *       writer's index lookup or a query that started on a slice just replaced by a compaction
 *       still finds its files.
 *   <li>A maintenance process killed mid-way leaves a requested or inflight compaction or clean;
 *       the next run finishes it first (Hudi rolls an inflight compaction back and executes its
 *       plan again). Readers only see completed instants.
 * </ul>
 *
 * Two maintenance processes on one table at once are not safe (one may roll back the other's
 * inflight compaction): run one at a time.
 */
public final class HudiTableServices implements AutoCloseable {
  static {
    // JOL, with which Hudi sizes records while compacting, prints warnings to standard output
    // when it first inspects the JVM; send them to standard error, so that what the maintenance
    // command prints there (--json) stays parseable
    PrintStream out = System.out;
    System.setOut(System.err);
    try {
      VM.current();
    } finally {
      System.setOut(out);
    }
  }

  private final String basePath;
  private final Map<String, String> storage;
  private final String table;
  private final HoodieJavaWriteClient<HoodieRecordPayload<?>> client;

  /**
   * Opens the table at {@code basePath} for table services.
   *
   * @param table the table's name, for messages
   * @param retainCommits cleaning keeps the file slices of this many newest commits (at least 1)
   * @throws PipelineException if the table cannot be read
   */
  public HudiTableServices(String basePath, String table, int retainCommits) {
    this(basePath, Map.of(), table, retainCommits);
  }

  /**
   * Opens the table at {@code basePath}, reached in object storage with {@code storage} (the keys
   * of {@code sink.hudi.storage}), for table services.
   */
  HudiTableServices(String basePath, Map<String, String> storage, String table, int retainCommits) {
    this.basePath = basePath;
    this.storage = Map.copyOf(storage);
    this.table = table;
    HoodieTableMetaClient meta = meta();
    this.client =
        new HoodieJavaWriteClient<>(
            new HoodieJavaEngineContext(HudiTable.storageConf(storage)),
            config(meta, schema(meta), retainCommits));
  }

  /**
   * Opens {@code table} of a directory of Hudi tables ({@code type: hudi, path: DIR}, see {@link
   * HudiTableInspectorFactory}).
   *
   * @throws io.lakestream.core.spec.SpecException if the section has no path
   * @throws PipelineException if the directory holds no such table
   */
  public static HudiTableServices inCatalog(
      Map<String, ?> catalogSection, String table, int retainCommits) {
    HudiTableInspector tables =
        (HudiTableInspector) new HudiTableInspectorFactory().open(catalogSection);
    return new HudiTableServices(tables.basePath(table), tables.storage(), table, retainCommits);
  }

  /** Whether {@code catalogSection} is a directory of Hudi tables. */
  public static boolean handles(Map<String, ?> catalogSection) {
    return new HudiTableInspectorFactory().accepts(catalogSection);
  }

  /** Whether the table is merge-on-read, the only type that has log files to compact. */
  public boolean mergeOnRead() {
    return meta().getTableType() == HoodieTableType.MERGE_ON_READ;
  }

  /**
   * Finishes any compaction a killed run left pending, then schedules one of every file group with
   * log files in its latest completed slice and executes it.
   *
   * @return {@code compactions}, {@code file-groups-compacted}, {@code log-files-compacted}, {@code
   *     bytes-rewritten} (base and log files read), {@code files-added} and {@code bytes-added}
   */
  public Map<String, Long> compact(Consumer<String> progress) {
    requireMergeOnRead();
    Counts counts = new Counts();
    for (HoodieInstant pending :
        meta().getActiveTimeline().filterPendingCompactionTimeline().getInstants()) {
      progress.accept("compact " + table + ": finishing pending compaction " + pending);
      execute(pending.requestedTime(), counts);
    }
    Option<String> instant = client.scheduleCompaction(Option.empty());
    if (instant.isPresent()) {
      progress.accept("compact " + table + ": compacting at instant " + instant.get());
      execute(instant.get(), counts);
    }
    return counts.map(
        "compactions",
        "file-groups-compacted",
        "log-files-compacted",
        "bytes-rewritten",
        "files-added",
        "bytes-added");
  }

  /**
   * What {@link #compact} would do now: the file groups whose latest completed slice has log files.
   *
   * @return {@code file-groups-compacted}, {@code log-files-compacted} and {@code bytes-rewritten}
   */
  public Map<String, Long> planCompaction() {
    requireMergeOnRead();
    HudiTableInspection.Slices slices = new HudiTableInspection(basePath, storage).latestSlices();
    Map<String, Long> counts = new LinkedHashMap<>();
    counts.put("file-groups-compacted", (long) slices.fileGroupsWithLogs());
    counts.put("log-files-compacted", (long) slices.logFiles());
    counts.put("bytes-rewritten", slices.bytesOfGroupsWithLogs());
    return counts;
  }

  private void execute(String instant, Counts counts) {
    HoodieCompactionPlan plan = CompactionUtils.getCompactionPlan(meta(), instant);
    List<HoodieCompactionOperation> operations =
        plan.getOperations() == null ? List.of() : plan.getOperations();
    long read = 0;
    long logs = 0;
    for (HoodieCompactionOperation op : operations) {
      Path partition = partitionDir(op.getPartitionPath());
      if (op.getDataFilePath() != null) {
        read += size(new Path(partition, new Path(op.getDataFilePath()).getName()));
      }
      for (String log : op.getDeltaFilePaths()) {
        read += size(new Path(partition, new Path(log).getName()));
        logs++;
      }
    }
    HoodieWriteMetadata<?> written = client.compact(instant, true);
    List<HoodieWriteStat> stats = written.getWriteStats().orElse(List.of());
    counts.add("compactions", 1);
    counts.add("file-groups-compacted", operations.size());
    counts.add("log-files-compacted", logs);
    counts.add("bytes-rewritten", read);
    counts.add("files-added", stats.size());
    counts.add("bytes-added", stats.stream().mapToLong(HoodieWriteStat::getTotalWriteBytes).sum());
  }

  /**
   * Runs Hudi's cleaner: finishes a clean a killed run left pending, then deletes the file slices
   * that neither the latest slice of a file group nor the newest {@code retainCommits} commits
   * read.
   *
   * @return {@code files-removed}, {@code bytes-removed} and {@code partitions-cleaned}
   */
  public Map<String, Long> clean() {
    Map<String, Long> sizes = fileSizes();
    HoodieCleanMetadata cleaned = client.clean();
    Counts counts = new Counts();
    if (cleaned != null) {
      for (HoodieCleanPartitionMetadata p : cleaned.getPartitionMetadata().values()) {
        if (!p.getSuccessDeleteFiles().isEmpty()) {
          counts.add("partitions-cleaned", 1);
        }
        for (String file : p.getSuccessDeleteFiles()) {
          counts.add("files-removed", 1);
          counts.add("bytes-removed", sizes.getOrDefault(new Path(file).getName(), 0L));
        }
      }
    }
    return counts.map("files-removed", "bytes-removed", "partitions-cleaned");
  }

  /**
   * What {@link #clean} could remove at most: the file slices that are not the latest of their file
   * group (the cleaner keeps those of them the newest commits read).
   *
   * @return {@code files-removed} and {@code bytes-removed}, upper bounds
   */
  public Map<String, Long> planClean() {
    HudiTableInspection.Slices slices = new HudiTableInspection(basePath, storage).latestSlices();
    Map<String, Long> counts = new LinkedHashMap<>();
    counts.put("files-removed", (long) slices.olderSliceFiles());
    counts.put("bytes-removed", slices.olderSliceBytes());
    return counts;
  }

  private void requireMergeOnRead() {
    if (!mergeOnRead()) {
      throw new PipelineException(
          "Hudi table "
              + table
              + " is copy-on-write: it has no log files to compact; run clean instead");
    }
  }

  /** Data file name to size, for every file under the base path outside {@code .hoodie}. */
  private Map<String, Long> fileSizes() {
    Map<String, Long> sizes = new LinkedHashMap<>();
    try {
      FileSystem fs = new Path(basePath).getFileSystem(HadoopStorage.conf(storage));
      for (String partition : HudiSnapshotReader.partitions(basePath, storage)) {
        for (var status : fs.listStatus(partitionDir(partition))) {
          if (status.isFile()) {
            sizes.put(status.getPath().getName(), status.getLen());
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list the files of Hudi table " + table, e);
    }
    return sizes;
  }

  /** The directory of a partition path, {@code ""} for an unpartitioned table's. */
  private Path partitionDir(String partition) {
    return partition == null || partition.isEmpty()
        ? new Path(basePath)
        : new Path(basePath, partition);
  }

  private long size(Path file) {
    try {
      return file.getFileSystem(HadoopStorage.conf(storage)).getFileStatus(file).getLen();
    } catch (IOException e) {
      return 0; // gone already: counted as nothing read
    }
  }

  private HoodieTableMetaClient meta() {
    try {
      return HoodieTableMetaClient.builder()
          .setConf(HudiTable.storageConf(storage))
          .setBasePath(basePath)
          .setLoadActiveTimelineOnLoad(true)
          .build();
    } catch (RuntimeException e) {
      throw new PipelineException(
          "Cannot read Hudi table " + table + " at " + basePath + ": " + e.getMessage(), e);
    }
  }

  private Schema schema(HoodieTableMetaClient meta) {
    try {
      return new TableSchemaResolver(meta).getTableSchema(false).toAvroSchema();
    } catch (Exception e) {
      throw new PipelineException(
          "Cannot read the schema of Hudi table " + table + ": " + e.getMessage(), e);
    }
  }

  /**
   * The services' write configuration: the writer's (single writer, eager rollback of failed
   * writes, no timeline server, no metadata table), with compaction scheduled whenever a file group
   * has a log file, and no automatic archival or cleaning, which stay the writer's.
   */
  private HoodieWriteConfig config(HoodieTableMetaClient meta, Schema schema, int retainCommits) {
    HoodieTableConfig tableConfig = meta.getTableConfig();
    return HoodieWriteConfig.newBuilder()
        .withPath(basePath)
        .forTable(tableConfig.getTableName())
        .withSchema(schema.toString())
        .withParallelism(2, 2)
        .withWriteTableVersion(tableConfig.getTableVersion().versionCode())
        .withAutoUpgradeVersion(false)
        .withEmbeddedTimelineServerEnabled(false)
        .withMarkersType("DIRECT")
        .withWriteConcurrencyMode(WriteConcurrencyMode.SINGLE_WRITER)
        .withRecordMergeMode(tableConfig.getRecordMergeMode())
        .withMetadataConfig(HoodieMetadataConfig.newBuilder().enable(false).build())
        .withArchivalConfig(HoodieArchivalConfig.newBuilder().withAutoArchive(false).build())
        .withCleanConfig(
            HoodieCleanConfig.newBuilder()
                .withAutoClean(false)
                .withFailedWritesCleaningPolicy(HoodieFailedWritesCleaningPolicy.EAGER)
                .withCleanerPolicy(HoodieCleaningPolicy.KEEP_LATEST_COMMITS)
                .retainCommits(Math.max(1, retainCommits))
                .build())
        .withCompactionConfig(
            HoodieCompactionConfig.newBuilder()
                .withInlineCompaction(false)
                .withMaxNumDeltaCommitsBeforeCompaction(1)
                .build())
        .withProps(Map.of("hoodie.write.complex.keygen.validation.enable", "false"))
        .build();
  }

  /** Counts by name, added up over several instants. */
  private static final class Counts {
    private final Map<String, Long> values = new LinkedHashMap<>();

    void add(String name, long value) {
      values.merge(name, value, Long::sum);
    }

    Map<String, Long> map(String... names) {
      Map<String, Long> ordered = new LinkedHashMap<>();
      for (String name : names) {
        ordered.put(name, values.getOrDefault(name, 0L));
      }
      return ordered;
    }
  }

  @Override
  public void close() {
    client.close();
  }
}
