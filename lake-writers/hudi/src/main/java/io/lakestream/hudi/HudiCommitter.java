package io.lakestream.hudi;

import io.lakestream.catalog.CommitMetadata;
import io.lakestream.core.error.CommitStateUnknownException;
import io.lakestream.core.error.FencedException;
import io.lakestream.core.error.PipelineException;
import io.lakestream.core.sink.Committable;
import io.lakestream.core.sink.SinkCommitter;
import io.lakestream.core.spec.WriterId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hudi.client.HoodieJavaWriteClient;
import org.apache.hudi.client.WriteStatus;
import org.apache.hudi.client.common.HoodieJavaEngineContext;
import org.apache.hudi.common.model.DefaultHoodieRecordPayload;
import org.apache.hudi.common.model.EmptyHoodieRecordPayload;
import org.apache.hudi.common.model.HoodieAvroRecord;
import org.apache.hudi.common.model.HoodieCommitMetadata;
import org.apache.hudi.common.model.HoodieKey;
import org.apache.hudi.common.model.HoodieRecord;
import org.apache.hudi.common.model.HoodieRecordPayload;
import org.apache.hudi.common.schema.HoodieSchema;
import org.apache.hudi.common.table.HoodieTableMetaClient;
import org.apache.hudi.common.table.TableSchemaResolver;
import org.apache.hudi.common.table.timeline.HoodieArchivedTimeline;
import org.apache.hudi.common.table.timeline.HoodieInstant;
import org.apache.hudi.common.table.timeline.HoodieTimeline;
import org.apache.hudi.common.util.Option;
import org.apache.hudi.config.HoodieCompactionConfig;
import org.apache.hudi.config.HoodieWriteConfig;
import org.apache.hudi.keygen.BaseKeyGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits checkpoints of one pipeline into one Hudi table, exactly once.
 *
 * <ul>
 *   <li>One Hudi instant per checkpoint: the staged rows of all tasks ({@link StagedRows}) are read
 *       one at a time and written at a new instant, by one {@code upsert} or by {@code insert}s of
 *       at most {@link #BATCH_ROWS} records each, and the instant is committed with the checkpoint
 *       in the commit's extra metadata ({@link CommitMetadata}). A checkpoint without rows still
 *       commits an empty instant, so positions advance.
 *   <li>Idempotent: a checkpoint the timeline already records for the pipeline (or an older one) is
 *       not committed again; the table's last record is read from its completed instants.
 *   <li>Crash-safe: what a persisted checkpoint needs is its staged rows, which only this class
 *       deletes, after the table records the checkpoint. An instant a crash left pending holds no
 *       checkpoint's only copy of anything: the next instance rolls it back when it fences, and
 *       every {@code startCommit} rolls back any other (Hudi's eager failed-writes policy), before
 *       the checkpoint is written again from its staged rows.
 *   <li>Fencing: {@link #fence} records a new epoch ({@link Fencing}); a commit checks it before
 *       writing and again inside Hudi's commit, just before the instant completes, so a fenced
 *       instance fails with {@link FencedException}.
 *   <li>When a commit fails, the timeline is read: if it records the checkpoint the commit is done,
 *       otherwise {@link CommitStateUnknownException} is thrown and nothing is cleaned up.
 * </ul>
 *
 * Called from the checkpoint coordinator's thread only.
 */
final class HudiCommitter implements SinkCommitter {
  private static final Logger LOG = LoggerFactory.getLogger(HudiCommitter.class);

  /**
   * The most records an insert checkpoint hands to one Hudi write call: Hudi's Java client holds a
   * call's records in memory several times over (lists, groupings, per-file-group buckets).
   */
  static final int BATCH_ROWS = 200_000;

  private final HudiTable table;
  private final FileSystem fs;
  private final String tableName;
  private final WriterId writer;
  private final Path sessionDir;
  private final Fencing fencing;
  private final BaseKeyGenerator keys;
  private final TableSync sync;
  private final int batchRows;
  private HoodieJavaWriteClient<HoodieRecordPayload<?>> client;
  private org.apache.avro.Schema clientSchema;
  private boolean clientPacks = true;
  private Long epoch;

  /**
   * @param sessionDir where this process's writers stage rows
   * @param sync registers the table after every completed commit
   * @param batchRows the most records an insert checkpoint hands to one Hudi write call
   */
  HudiCommitter(
      HudiTable table,
      FileSystem fs,
      String tableName,
      WriterId writer,
      Path sessionDir,
      TableSync sync,
      int batchRows) {
    this.sync = sync;
    this.batchRows = batchRows;
    this.table = table;
    this.fs = fs;
    this.tableName = tableName;
    this.writer = writer;
    this.sessionDir = sessionDir;
    this.fencing = new Fencing(fs, table.basePath(), writer, tableName);
    this.epoch = fencing.current();
    this.keys = table.keyGenerator();
  }

  @Override
  public void fence() {
    epoch = fencing.next();
    // instants a fenced instance left pending are no checkpoint's: staged rows rewrite them
    client().rollbackFailedWrites(table.metaClient());
    LOG.info("Fenced {} in Hudi table {} with epoch {}", writer.describe(), tableName, epoch);
  }

  @Override
  public Optional<CommittedCheckpoint> lastCommitted() {
    return lastCommitted(table.metaClient()).map(Recorded::checkpoint);
  }

  /** A checkpoint the timeline records, with the instant that recorded it. */
  private record Recorded(CommittedCheckpoint checkpoint, String instant) {}

  /**
   * The newest checkpoint of this writer on the active timeline, or, when archival has moved all of
   * them (many compactions or other writers' commits since), on the archived timeline.
   */
  private Optional<Recorded> lastCommitted(HoodieTableMetaClient meta) {
    Optional<Recorded> active =
        lastRecorded(meta.getActiveTimeline().getCommitsTimeline().filterCompletedInstants());
    if (active.isPresent()) {
      return active;
    }
    HoodieArchivedTimeline archived = meta.getArchivedTimeline();
    archived.loadCompletedInstantDetailsInMemory();
    return lastRecorded(archived.getCommitsTimeline().filterCompletedInstants());
  }

  private Optional<Recorded> lastRecorded(HoodieTimeline commits) {
    for (HoodieInstant instant :
        (Iterable<HoodieInstant>) commits.getReverseOrderedInstants()::iterator) {
      HoodieCommitMetadata metadata;
      try {
        metadata = commits.readCommitMetadata(instant);
      } catch (IOException e) {
        throw new UncheckedIOException(
            "Cannot read instant " + instant + " of Hudi table " + tableName, e);
      }
      Optional<CommitMetadata.Checkpoint> recorded =
          CommitMetadata.fromCommitEntries(metadata.getExtraMetadata(), writer);
      if (recorded.isPresent()) {
        return Optional.of(
            new Recorded(
                new CommittedCheckpoint(recorded.get().checkpointId(), recorded.get().positions()),
                instant.requestedTime()));
      }
    }
    return Optional.empty();
  }

  @Override
  public CommitResult commit(
      long checkpointId, Map<String, Long> positions, List<Committable> committables) {
    long start = System.nanoTime();
    requireEpoch();
    HoodieTableMetaClient meta = table.metaClient();
    Optional<Recorded> last = lastCommitted(meta);
    List<CommittableSerializer.StagedFile> files =
        committables.stream().map(c -> CommittableSerializer.deserialize(c.bytes())).toList();
    if (last.isPresent() && last.get().checkpoint().checkpointId() >= checkpointId) {
      LOG.info(
          "Skipped checkpoint {} of {} for Hudi table {}: the table already records checkpoint {}",
          checkpointId,
          writer.describe(),
          tableName,
          last.get().checkpoint().checkpointId());
      cleanUp(files);
      return new CommitResult(false, 0, 0, 0, last.get().instant());
    }

    org.apache.avro.Schema schema = writeSchema(meta, files, checkpointId);
    long staged = files.stream().mapToLong(CommittableSerializer.StagedFile::rows).sum();
    // a checkpoint larger than one batch is written in several calls; only the first may add rows
    // to the table's small files, since a second call adding to the same file group at the same
    // instant would write a second version of it
    boolean batched = !upsert() && staged > batchRows;
    String instant = client(schema, !batched).startCommit();
    long records = 0;
    try {
      Written written =
          upsert()
              ? upsert(files, schema, instant, checkpointId)
              : insert(files, schema, instant, checkpointId, staged);
      records = written.records();
      List<WriteStatus> statuses = written.statuses();
      if (written.calls() == 0) {
        client().transitionInflight(instant);
      }
      Map<String, String> extra =
          new LinkedHashMap<>(CommitMetadata.toCommitEntries(writer, checkpointId, positions));
      boolean done =
          client()
              .commit(
                  instant,
                  statuses,
                  Option.of(extra),
                  table.metaClient().getCommitActionType(),
                  Map.of(),
                  Option.of((committing, metadata) -> requireEpoch()),
                  Option.empty());
      if (!done) {
        throw new PipelineException("Hudi refused to complete instant " + instant);
      }
      int fileCount = (int) statuses.stream().map(s -> s.getFileId()).distinct().count();
      long bytes = statuses.stream().mapToLong(s -> s.getStat().getTotalWriteBytes()).sum();
      cleanUp(files);
      sync.afterCommit(schema, statuses.stream().map(WriteStatus::getPartitionPath).toList());
      LOG.info(
          "Committed checkpoint {} of {} to Hudi table {}: {} file groups, {} records in {} Hudi"
              + " write calls, {} ms (instant {})",
          checkpointId,
          writer.describe(),
          tableName,
          fileCount,
          records,
          written.calls(),
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start),
          instant);
      return new CommitResult(true, fileCount, records, bytes, instant);
    } catch (RuntimeException e) {
      FencedException fenced = fencedCause(e);
      if (fenced != null) {
        throw fenced;
      }
      return reconcile(checkpointId, files, records, instant, e);
    }
  }

  private boolean upsert() {
    return table.config().operation() == HudiSinkOptions.Operation.UPSERT
        && !table.recordKey().isEmpty();
  }

  /**
   * What the Hudi write calls of one instant wrote.
   *
   * @param statuses the write statuses of all calls
   * @param records the records written
   * @param calls the number of Hudi write calls (0: the checkpoint has no rows)
   */
  private record Written(List<WriteStatus> statuses, long records, int calls) {}

  /**
   * Inserts the staged rows at {@code instant} in batches of at most {@link #batchRows} records,
   * read from the staging files as they are written, so memory is bounded by the batch, not the
   * checkpoint. Several write calls at one instant are safe for inserts: an insert looks up no
   * index, each call writes new file groups of its own, and only a single-call checkpoint adds rows
   * to existing small files (see {@link #commit}).
   */
  private Written insert(
      List<CommittableSerializer.StagedFile> files,
      org.apache.avro.Schema schema,
      String instant,
      long checkpointId,
      long staged) {
    long calls = (staged + batchRows - 1) / batchRows;
    // equal batches rather than a small last one; one call when the checkpoint fits in a batch
    int size = calls > 1 ? (int) ((staged + calls - 1) / calls) : Integer.MAX_VALUE;
    List<WriteStatus> statuses = new ArrayList<>();
    List<HoodieRecord<HoodieRecordPayload<?>>> batch = new ArrayList<>();
    long[] written = {0, 0};
    Runnable flush =
        () -> {
          List<WriteStatus> s = client().insert(batch, instant);
          requireNoErrors(s, checkpointId);
          statuses.addAll(s);
          written[0] += batch.size();
          written[1]++;
          batch.clear();
        };
    String ordering = table.config().orderingField();
    forEachRow(
        files,
        checkpointId,
        schema,
        row -> {
          batch.add(record(keys.getKey(row.row()), row, ordering));
          if (batch.size() >= size) {
            flush.run();
          }
        });
    if (!batch.isEmpty()) {
      flush.run();
    }
    return new Written(statuses, written[0], (int) written[1]);
  }

  /** The newest staged version of a key: its record, ordering value and whether it deletes. */
  private record Latest(
      HoodieRecord<HoodieRecordPayload<?>> record, Object order, boolean delete) {}

  /**
   * Upserts the staged rows at {@code instant} in one write call, one record per key: a later write
   * replaces an earlier one (with an ordering field, unless its value is smaller), a delete
   * replaces whatever came before, and a write after a delete brings the key back. One call,
   * because an upsert looks every key up in the index, which sees committed file groups only: a
   * second call at the same instant would write another version of a file group the first one
   * rewrote. Rows are read from the staging files one at a time and held only as Hudi records
   * (their values serialized), so memory grows with the checkpoint's distinct keys.
   */
  private Written upsert(
      List<CommittableSerializer.StagedFile> files,
      org.apache.avro.Schema schema,
      String instant,
      long checkpointId) {
    String ordering = table.config().orderingField();
    Map<HoodieKey, Latest> latest = new LinkedHashMap<>();
    forEachRow(
        files,
        checkpointId,
        schema,
        row -> {
          HoodieKey key = keys.getKey(row.row());
          Object order = ordering == null || row.delete() ? null : row.row().get(ordering);
          Latest earlier = latest.get(key);
          if (earlier != null
              && ordering != null
              && !row.delete()
              && !earlier.delete()
              && compare(order, earlier.order()) < 0) {
            return;
          }
          latest.remove(key); // keeps arrival order of the latest version
          latest.put(key, new Latest(record(key, row, ordering), order, row.delete()));
        });
    if (latest.isEmpty()) {
      return new Written(List.of(), 0, 0);
    }
    List<HoodieRecord<HoodieRecordPayload<?>>> records = new ArrayList<>(latest.size());
    latest.values().forEach(l -> records.add(l.record()));
    latest.clear();
    List<WriteStatus> statuses = client().upsert(records, instant);
    requireNoErrors(statuses, checkpointId);
    return new Written(statuses, records.size(), 1);
  }

  /**
   * Calls {@code each} with every staged row of {@code files} in order, conformed to {@code
   * schema}, reading one row at a time.
   */
  private void forEachRow(
      List<CommittableSerializer.StagedFile> files,
      long checkpointId,
      org.apache.avro.Schema schema,
      Consumer<StagedRows.Staged> each) {
    for (CommittableSerializer.StagedFile file : files) {
      try (StagedRows.Reader rows = reader(file, checkpointId)) {
        for (StagedRows.Staged s = rows.next(); s != null; s = rows.next()) {
          each.accept(new StagedRows.Staged(SchemaEvolution.conform(s.row(), schema), s.delete()));
        }
      } catch (IOException e) {
        throw cannotRead(file, checkpointId, e);
      }
    }
  }

  private StagedRows.Reader reader(CommittableSerializer.StagedFile file, long checkpointId) {
    try {
      return new StagedRows.Reader(fs, new Path(file.path()));
    } catch (IOException e) {
      throw cannotRead(file, checkpointId, e);
    }
  }

  private PipelineException cannotRead(
      CommittableSerializer.StagedFile file, long checkpointId, IOException e) {
    return new PipelineException(
        "Cannot read staged rows "
            + file.path()
            + " of checkpoint "
            + checkpointId
            + " for Hudi table "
            + tableName
            + "; they must exist until the checkpoint is committed",
        e);
  }

  /**
   * The schema of this checkpoint's instant: the table's newest schema, widened by the columns the
   * staged rows gained ({@link SchemaEvolution#merge}).
   */
  private org.apache.avro.Schema writeSchema(
      HoodieTableMetaClient meta, List<CommittableSerializer.StagedFile> files, long checkpointId) {
    org.apache.avro.Schema schema = table.avroSchema();
    try {
      Option<HoodieSchema> committed =
          new TableSchemaResolver(meta).getTableSchemaFromLatestCommit(false);
      if (committed.isPresent()) {
        schema = SchemaEvolution.merge(committed.get().toAvroSchema(), schema, tableName);
      }
    } catch (PipelineException e) {
      throw e;
    } catch (Exception e) {
      throw new PipelineException("Cannot read the schema of Hudi table " + tableName, e);
    }
    for (CommittableSerializer.StagedFile file : files) {
      try (StagedRows.Reader rows = reader(file, checkpointId)) {
        schema = SchemaEvolution.merge(schema, rows.schema(), tableName);
      } catch (IOException e) {
        throw cannotRead(file, checkpointId, e);
      }
    }
    return schema;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static int compare(Object a, Object b) {
    if (a == null || b == null) {
      return a == null ? (b == null ? 0 : -1) : 1;
    }
    return ((Comparable) a).compareTo(b);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static HoodieRecord<HoodieRecordPayload<?>> record(
      HoodieKey key, StagedRows.Staged row, String ordering) {
    if (row.delete()) {
      return new HoodieAvroRecord(key, new EmptyHoodieRecordPayload());
    }
    GenericRecord values = row.row();
    Object order = ordering == null ? null : values.get(ordering);
    Comparable<?> orderingValue = order == null ? 0 : (Comparable<?>) order;
    return new HoodieAvroRecord(key, new DefaultHoodieRecordPayload(values, orderingValue));
  }

  private void requireNoErrors(List<WriteStatus> statuses, long checkpointId) {
    for (WriteStatus s : statuses) {
      if (s.hasErrors()) {
        Throwable first =
            s.getGlobalError() != null
                ? s.getGlobalError()
                : s.getErrors().values().stream().findFirst().orElse(null);
        throw new PipelineException(
            "Hudi rejected "
                + s.getTotalErrorRecords()
                + " rows of checkpoint "
                + checkpointId
                + " for table "
                + tableName
                + (first == null ? "" : ": " + first),
            first);
      }
    }
  }

  private CommitResult reconcile(
      long checkpointId,
      List<CommittableSerializer.StagedFile> files,
      long records,
      String instant,
      RuntimeException failure) {
    try {
      Optional<Recorded> now = lastCommitted(table.metaClient());
      if (now.isPresent() && now.get().checkpoint().checkpointId() >= checkpointId) {
        cleanUp(files);
        return new CommitResult(true, 0, records, 0, now.get().instant());
      }
    } catch (RuntimeException e) {
      failure.addSuppressed(e);
    }
    throw new CommitStateUnknownException(
        "Commit of checkpoint "
            + checkpointId
            + " to Hudi table "
            + tableName
            + " at instant "
            + instant
            + " failed ("
            + failure
            + "); the table does not record it: the checkpoint's staged rows are kept and the"
            + " next commit attempt rolls the instant back and writes them again",
        failure);
  }

  private static FencedException fencedCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof FencedException f) {
        return f;
      }
    }
    return null;
  }

  /** Deletes committed staging files and what earlier sessions of this writer left behind. */
  private void cleanUp(List<CommittableSerializer.StagedFile> files) {
    for (CommittableSerializer.StagedFile f : files) {
      deleteQuietly(new Path(f.path()), false);
    }
    // this session's first commit is the recovery of the newest persisted checkpoint, so an
    // earlier session's staging files are committed or belong to no persisted checkpoint
    try {
      Path writerDir = sessionDir.getParent();
      if (fs.exists(writerDir)) {
        for (FileStatus s : fs.listStatus(writerDir)) {
          if (!s.getPath().getName().equals(sessionDir.getName())) {
            deleteQuietly(s.getPath(), true);
          }
        }
      }
    } catch (IOException e) {
      LOG.debug("Could not list staging directories of {}: {}", tableName, e.toString());
    }
  }

  private void deleteQuietly(Path path, boolean recursive) {
    try {
      fs.delete(path, recursive);
    } catch (IOException e) {
      LOG.debug("Could not delete staged rows {}: {}", path, e.toString());
    }
  }

  private void requireEpoch() {
    Long actual = fencing.current();
    if (!Objects.equals(actual, epoch)) {
      throw new FencedException(
          "Pipeline "
              + writer.pipeline()
              + (writer.isDefault() ? "" : ", writer " + writer.name() + ",")
              + " is owned by another instance: Hudi table "
              + tableName
              + " holds fencing epoch "
              + actual
              + ", this instance holds "
              + epoch
              + ". Stop this instance.");
    }
  }

  /** The write client of the current commit. */
  private HoodieJavaWriteClient<HoodieRecordPayload<?>> client() {
    return client(clientSchema == null ? table.avroSchema() : clientSchema, clientPacks);
  }

  /**
   * The write client, made anew when the rows' schema changed or small files are to be left alone.
   *
   * @param packSmallFiles whether inserts may add rows to the table's small files
   */
  private HoodieJavaWriteClient<HoodieRecordPayload<?>> client(
      org.apache.avro.Schema schema, boolean packSmallFiles) {
    if (client != null && (!schema.equals(clientSchema) || packSmallFiles != clientPacks)) {
      close();
    }
    if (client == null) {
      HoodieWriteConfig config = table.writeConfig(schema);
      if (!packSmallFiles) {
        config.setValue(HoodieCompactionConfig.PARQUET_SMALL_FILE_LIMIT, "0");
      }
      client =
          new HoodieJavaWriteClient<>(new HoodieJavaEngineContext(table.storageConf()), config);
      clientSchema = schema;
      clientPacks = packSmallFiles;
    }
    return client;
  }

  @Override
  public void close() {
    if (client != null) {
      client.close();
      client = null;
    }
  }
}
