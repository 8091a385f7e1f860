package io.lakestream.iceberg;

import io.lakestream.catalog.CommitMetadata;
import io.lakestream.core.error.CommitStateUnknownException;
import io.lakestream.core.error.FencedException;
import io.lakestream.core.error.PipelineException;
import io.lakestream.core.sink.Committable;
import io.lakestream.core.sink.SinkCommitter;
import io.lakestream.core.spec.WriterId;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.BaseTable;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.RowDelta;
import org.apache.iceberg.SchemaParser;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.SnapshotUpdate;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableOperations;
import org.apache.iceberg.Transaction;
import org.apache.iceberg.UpdateSchema;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.metrics.MetricsReporter;
import org.apache.iceberg.util.SnapshotUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits checkpoints of one pipeline into one Iceberg table, exactly once.
 *
 * <ul>
 *   <li>Every commit is one table operation holding all files of the checkpoint, whose snapshot
 *       summary records the pipeline id, the checkpoint id and the source positions ({@link
 *       CommitMetadata}): an {@link AppendFiles} when the checkpoint has only data files, one
 *       {@link RowDelta} adding its data files and delete files together when it has delete files
 *       (upsert mode). A checkpoint without files still commits, so positions advance.
 *   <li>Idempotent: a checkpoint the table already records for the pipeline (or an older one) is
 *       not committed again. The check is repeated on the metadata each commit attempt is applied
 *       to, so it holds even if the table changes concurrently.
 *   <li>Fencing: {@link #fence} bumps the table property {@code lakestream.epoch.<pipeline>}. A
 *       commit succeeds only while the table still holds this instance's epoch, checked on the
 *       metadata the commit's compare-and-swap replaces ({@link GuardedTableOperations}), so an
 *       instance fenced at any moment before the swap fails with {@link FencedException}. Before
 *       {@code fence()} the instance holds the epoch the table had when the sink opened.
 *   <li>When the catalog cannot say whether a commit happened, the table is read: if it records the
 *       checkpoint the commit is done, otherwise {@link CommitStateUnknownException} is thrown and
 *       nothing is cleaned up.
 *   <li>Pending manifests are deleted only once the table is known to hold their files.
 *   <li>Position deletes of rows that earlier checkpoints committed ({@link CommittedFileRefs}):
 *       the commit validates that no snapshot since the oldest of those checkpoints removed one of
 *       their data files (maintenance rewriting it would keep the row alive in the new file). If
 *       one was removed, that checkpoint's snapshot is no longer in the last {@value
 *       #VALIDATION_DEPTH} snapshots, or the commit also evolves the schema, the checkpoint's
 *       fallback equality deletes are committed too, which remove the keys' older rows wherever
 *       they are; otherwise the fallback files are deleted unused.
 * </ul>
 *
 * Called from the checkpoint coordinator's thread only.
 */
final class IcebergCommitter implements SinkCommitter {
  private static final Logger LOG = LoggerFactory.getLogger(IcebergCommitter.class);
  private static final int FENCE_ATTEMPTS = 10;
  private static final MetricsReporter NO_REPORTS = report -> {};

  /**
   * How many snapshots back a commit looks for the snapshot it validates position deletes of
   * committed rows from: the validation reads the new manifests of every snapshot since.
   */
  static final int VALIDATION_DEPTH = 100;

  private final Table table;
  private final TableOperations ops;
  private final String tableName;
  private final WriterId writer;
  private final String branch;
  private Long epoch;

  /**
   * @param table the committer's own instance of the table, refreshed before every decision
   * @param ops the table's operations
   * @param branch the branch commits go to and recovery reads, or null for the main line
   */
  IcebergCommitter(
      Table table, TableOperations ops, String tableName, WriterId writer, String branch) {
    this.table = table;
    this.ops = ops;
    this.tableName = tableName;
    this.writer = writer;
    this.branch = branch == null ? SnapshotRef.MAIN_BRANCH : branch;
    this.epoch = epochOf(ops.current());
  }

  @Override
  public void fence() {
    TransientFaults.retriable(
        "Cannot fence " + writer.describe() + " in table " + tableName,
        () -> {
          fenceOnce();
          return null;
        });
  }

  private void fenceOnce() {
    for (int attempt = 1; ; attempt++) {
      Long current = epochOf(ops.refresh());
      long next = current == null ? 1 : current + 1;
      Table guarded = guarded(base -> requireEpoch(base, current, EpochRaced::new));
      try {
        guarded
            .updateProperties()
            .set(CommitMetadata.epochProperty(writer), Long.toString(next))
            .commit();
        epoch = next;
        LOG.info("Fenced {} in table {} with epoch {}", writer.describe(), tableName, next);
        return;
      } catch (EpochRaced e) {
        if (attempt == FENCE_ATTEMPTS) {
          throw new PipelineException(
              "Cannot fence "
                  + writer.describe()
                  + " in table "
                  + tableName
                  + ": other instances changed its epoch "
                  + attempt
                  + " times in a row; is the pipeline started more than once?");
        }
      }
    }
  }

  @Override
  public Optional<CommittedCheckpoint> lastCommitted() {
    return TransientFaults.retriable(
        "Cannot read table " + tableName, () -> lastCommitted(ops.refresh()));
  }

  private Optional<CommittedCheckpoint> lastCommitted(TableMetadata metadata) {
    return CheckpointHistory.lastCommitted(metadata, writer, branch)
        .map(c -> new CommittedCheckpoint(c.checkpointId(), c.positions()));
  }

  @Override
  public CommitResult commit(
      long checkpointId, Map<String, Long> positions, List<Committable> committables) {
    return TransientFaults.retriable(
        "Cannot commit checkpoint " + checkpointId + " to table " + tableName,
        () -> {
          try {
            return commitOnce(checkpointId, positions, committables, false);
          } catch (ValidationException e) {
            LOG.info(
                "Checkpoint {} of {} deletes rows by position from files that table {} no longer"
                    + " holds ({}); committing its fallback equality deletes",
                checkpointId,
                writer.describe(),
                tableName,
                e.getMessage());
            return commitOnce(checkpointId, positions, committables, true);
          }
        });
  }

  /**
   * @param fallback whether to commit the fallback equality deletes rather than validate that the
   *     files position deletes refer to still exist
   * @throws ValidationException if such a file was removed (only when not {@code fallback})
   */
  private CommitResult commitOnce(
      long checkpointId,
      Map<String, Long> positions,
      List<Committable> committables,
      boolean fallback) {
    long start = System.nanoTime();
    TableMetadata current = ops.refresh();
    requireEpoch(current, epoch, this::fenced);
    Optional<CommittedCheckpoint> last = lastCommitted(current);
    if (last.isPresent() && last.get().checkpointId() >= checkpointId) {
      return alreadyCommitted(checkpointId, last.get(), committables, current);
    }

    List<PendingManifest> manifests = manifestsOf(committables);
    List<DataFile> files = new ArrayList<>();
    List<DeleteFile> deletes = new ArrayList<>();
    List<DeleteFile> fallbackDeletes = new ArrayList<>();
    for (PendingManifest manifest : manifests) {
      try {
        switch (manifest.content()) {
          case DATA ->
              files.addAll(PendingManifests.read(manifest, table.io(), current.specsById()));
          case DELETES ->
              deletes.addAll(
                  PendingManifests.readDeletes(manifest, table.io(), current.specsById()));
          case FALLBACK_DELETES ->
              fallbackDeletes.addAll(
                  PendingManifests.readDeletes(manifest, table.io(), current.specsById()));
        }
      } catch (UncheckedIOException | org.apache.iceberg.exceptions.NotFoundException e) {
        throw new PipelineException(
            "Cannot read pending manifest "
                + manifest.path()
                + " of checkpoint "
                + checkpointId
                + " for table "
                + tableName
                + "; it must exist until the checkpoint is committed",
            e);
      }
    }
    CommittedFileRefs refs = refsOf(committables);
    Snapshot validateFrom =
        refs.isEmpty() || fallback || evolvedSchema(committables, current.schema()) != null
            ? null
            : validationStart(current, refs);
    boolean useFallback = !refs.isEmpty() && validateFrom == null;
    if (useFallback) {
      deletes.addAll(fallbackDeletes);
    }
    Written written =
        new Written(
            files.size(),
            files.stream().mapToLong(DataFile::recordCount).sum(),
            deletes.size(),
            deletes.stream().mapToLong(DeleteFile::recordCount).sum(),
            files.stream().mapToLong(DataFile::fileSizeInBytes).sum()
                + deletes.stream().mapToLong(DeleteFile::fileSizeInBytes).sum());

    Long ours = epoch;
    Table guarded =
        guarded(
            base -> {
              requireEpoch(base, ours, this::fenced);
              Optional<CommittedCheckpoint> recorded = lastCommitted(base);
              if (recorded.isPresent() && recorded.get().checkpointId() >= checkpointId) {
                throw new AlreadyCommitted(recorded.get());
              }
            });
    org.apache.iceberg.Schema evolved = evolvedSchema(committables, current.schema());
    Transaction transaction = evolved == null ? null : guarded.newTransaction();
    if (transaction != null) {
      // the columns the files were written with join the table in the same commit as the files
      UpdateSchema schemaUpdate = transaction.updateSchema();
      SchemaEvolution.apply(schemaUpdate, current.schema(), evolved);
      schemaUpdate.commit();
      SchemaEvolution.checkIds(transaction.table().schema(), evolved);
    }
    SnapshotUpdate<?> update;
    if (deletes.isEmpty()) {
      AppendFiles append = transaction == null ? guarded.newAppend() : transaction.newAppend();
      files.forEach(append::appendFile);
      update = append;
    } else {
      RowDelta delta = transaction == null ? guarded.newRowDelta() : transaction.newRowDelta();
      files.forEach(delta::addRows);
      deletes.forEach(delta::addDeletes);
      if (validateFrom != null) {
        delta
            .validateFromSnapshot(validateFrom.snapshotId())
            .validateDataFilesExist(refs.dataFiles());
      }
      update = delta;
    }
    CommitMetadata.toCommitEntries(writer, checkpointId, positions).forEach(update::set);
    update.toBranch(branch); // a branch that does not exist yet starts at the main line's head
    try {
      update.commit();
      if (transaction != null) {
        transaction.commitTransaction();
      }
    } catch (AlreadyCommitted e) {
      return alreadyCommitted(checkpointId, e.recorded, committables, ops.current());
    } catch (org.apache.iceberg.exceptions.CommitStateUnknownException e) {
      return reconcile(checkpointId, manifests, written, start, e);
    }
    if (!useFallback) {
      fallbackDeletes.forEach(f -> deleteUnused(f.location()));
    }
    return committed(checkpointId, manifests, written, start);
  }

  private static CommittedFileRefs refsOf(List<Committable> committables) {
    CommittedFileRefs refs = CommittedFileRefs.NONE;
    for (Committable c : committables) {
      refs = refs.plus(CommittableSerializer.refs(c.bytes()));
    }
    return refs;
  }

  private void deleteUnused(String location) {
    try {
      table.io().deleteFile(location);
    } catch (RuntimeException e) {
      LOG.debug("Could not delete unused fallback delete file {}: {}", location, e.toString());
    }
  }

  /** What a checkpoint's committables hold, for the result and the log line. */
  private record Written(int files, long records, int deleteFiles, long deletes, long bytes) {}

  /**
   * The evolved schema some of the committables' files were written with, if the table does not
   * have it yet: the widest of them (every writer evolves the same way, some further than others).
   */
  private static org.apache.iceberg.Schema evolvedSchema(
      List<Committable> committables, org.apache.iceberg.Schema table) {
    org.apache.iceberg.Schema widest = null;
    for (Committable c : committables) {
      String json = CommittableSerializer.schemaJson(c.bytes());
      if (json != null) {
        org.apache.iceberg.Schema s = SchemaParser.fromJson(json);
        if (widest == null || s.highestFieldId() > widest.highestFieldId()) {
          widest = s;
        }
      }
    }
    return widest == null || widest.sameSchema(table) ? null : widest;
  }

  private static List<PendingManifest> manifestsOf(List<Committable> committables) {
    List<PendingManifest> manifests = new ArrayList<>(committables.size());
    for (Committable c : committables) {
      manifests.addAll(CommittableSerializer.deserialize(c.bytes()));
    }
    return manifests;
  }

  private CommitResult committed(
      long checkpointId, List<PendingManifest> manifests, Written written, long start) {
    Snapshot snapshot = snapshotOf(ops.current(), checkpointId);
    deletePendingManifests(manifests);
    LOG.info(
        "Committed checkpoint {} of {} to table {}: {} files, {} records, {} delete files, {}"
            + " deletes in {} ms (snapshot {})",
        checkpointId,
        writer.describe(),
        tableName,
        written.files(),
        written.records(),
        written.deleteFiles(),
        written.deletes(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start),
        snapshot == null ? "?" : snapshot.snapshotId());
    return new CommitResult(
        true,
        written.files(),
        written.records(),
        written.bytes(),
        snapshot == null ? null : Long.toString(snapshot.snapshotId()));
  }

  private CommitResult alreadyCommitted(
      long checkpointId,
      CommittedCheckpoint recorded,
      List<Committable> committables,
      TableMetadata metadata) {
    deletePendingManifests(manifestsOf(committables));
    LOG.info(
        "Skipped checkpoint {} of {} for table {}: the table already records checkpoint {}",
        checkpointId,
        writer.describe(),
        tableName,
        recorded.checkpointId());
    Snapshot snapshot = head(metadata);
    return new CommitResult(
        false, 0, 0, 0, snapshot == null ? null : Long.toString(snapshot.snapshotId()));
  }

  private CommitResult reconcile(
      long checkpointId,
      List<PendingManifest> manifests,
      Written written,
      long start,
      RuntimeException unknown) {
    try {
      Optional<CommittedCheckpoint> now = lastCommitted(ops.refresh());
      if (now.isPresent() && now.get().checkpointId() >= checkpointId) {
        return committed(checkpointId, manifests, written, start);
      }
    } catch (RuntimeException e) {
      unknown.addSuppressed(e);
    }
    throw new CommitStateUnknownException(
        "Commit of checkpoint "
            + checkpointId
            + " to table "
            + tableName
            + " may or may not have happened ("
            + (unknown.getCause() == null ? unknown.getMessage() : unknown.getCause().toString())
            + "); reconcile with the table's last committed checkpoint before committing again",
        unknown);
  }

  private Snapshot snapshotOf(TableMetadata metadata, long checkpointId) {
    return snapshotOf(metadata, checkpointId, Integer.MAX_VALUE);
  }

  /**
   * The snapshot from which on the files {@code refs} names are known to exist: the one a writer
   * loaded its index from, if it refers to such rows, else the one of its oldest checkpoint; null
   * if that is not among the newest {@link #VALIDATION_DEPTH}.
   */
  private Snapshot validationStart(TableMetadata metadata, CommittedFileRefs refs) {
    if (refs.loadedSnapshot() == CommittedFileRefs.NO_SNAPSHOT) {
      return snapshotOf(metadata, refs.oldestCheckpoint(), VALIDATION_DEPTH);
    }
    if (refs.loadedSnapshot() == CommittedFileRefs.UNKNOWN_SNAPSHOT) {
      return null;
    }
    int seen = 0;
    for (Snapshot s = head(metadata);
        s != null && seen++ < VALIDATION_DEPTH;
        s = s.parentId() == null ? null : metadata.snapshot(s.parentId())) {
      if (s.snapshotId() == refs.loadedSnapshot()) {
        return s;
      }
    }
    return null;
  }

  /** The snapshot that committed {@code checkpointId}, if among the newest {@code depth}. */
  private Snapshot snapshotOf(TableMetadata metadata, long checkpointId, int depth) {
    int seen = 0;
    for (Snapshot s = head(metadata);
        s != null && seen++ < depth;
        s = s.parentId() == null ? null : metadata.snapshot(s.parentId())) {
      Optional<CommitMetadata.Checkpoint> recorded =
          CommitMetadata.fromCommitEntries(s.summary(), writer);
      if (recorded.isPresent() && recorded.get().checkpointId() == checkpointId) {
        return s;
      }
    }
    return null;
  }

  /** The newest snapshot of the committer's branch (the main line's while the branch is new). */
  private Snapshot head(TableMetadata metadata) {
    return SnapshotUtil.latestSnapshot(metadata, branch);
  }

  private void deletePendingManifests(List<PendingManifest> manifests) {
    for (PendingManifest m : manifests) {
      try {
        PendingManifests.delete(m, table.io());
      } catch (RuntimeException e) {
        LOG.debug("Could not delete pending manifest {}: {}", m.path(), e.toString());
      }
    }
  }

  private Table guarded(Consumer<TableMetadata> guard) {
    return new BaseTable(new GuardedTableOperations(ops, guard), tableName, NO_REPORTS);
  }

  private Long epochOf(TableMetadata metadata) {
    return CommitMetadata.epoch(metadata.properties(), writer).orElse(null);
  }

  private void requireEpoch(
      TableMetadata metadata,
      Long expected,
      java.util.function.BiFunction<Long, Long, RuntimeException> failure) {
    Long actual = epochOf(metadata);
    if (!Objects.equals(actual, expected)) {
      throw failure.apply(expected, actual);
    }
  }

  private FencedException fenced(Long ours, Long theirs) {
    return new FencedException(
        "Pipeline "
            + writer.pipeline()
            + (writer.isDefault() ? "" : ", writer " + writer.name() + ",")
            + " is owned by another instance: table "
            + tableName
            + " holds fencing epoch "
            + theirs
            + ", this instance holds "
            + ours
            + ". Stop this instance.");
  }

  /** The table recorded the checkpoint while a commit attempt was being prepared. */
  private static final class AlreadyCommitted extends RuntimeException {
    final CommittedCheckpoint recorded;

    AlreadyCommitted(CommittedCheckpoint recorded) {
      super(null, null, false, false);
      this.recorded = recorded;
    }
  }

  /** Another instance changed the epoch while this one was fencing. */
  private static final class EpochRaced extends RuntimeException {
    EpochRaced(Long expected, Long actual) {
      super(null, null, false, false);
    }
  }
}
