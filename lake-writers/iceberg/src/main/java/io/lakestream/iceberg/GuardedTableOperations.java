package io.lakestream.iceberg;

import java.util.function.BinaryOperator;
import java.util.function.Consumer;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableOperations;
import org.apache.iceberg.encryption.EncryptionManager;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.LocationProvider;

/**
 * Table operations that check a condition on the metadata a change was applied to, right before the
 * catalog's compare-and-swap. Iceberg applies every attempt of a commit to freshly refreshed
 * metadata and retries only on {@link org.apache.iceberg.exceptions.CommitFailedException}, so a
 * condition checked here holds atomically with the commit: if the table changes between the check
 * and the swap, the swap fails, Iceberg refreshes, and the condition is checked again. A condition
 * fails by throwing any other exception, which ends the commit. For the same reason, what {@link
 * #completing} adds to a change is derived from exactly the metadata the change replaces.
 */
final class GuardedTableOperations implements TableOperations {
  private final TableOperations delegate;
  private final BinaryOperator<TableMetadata> complete;

  /**
   * @param delegate the catalog's operations for the table
   * @param guard throws when a change must not be committed on top of the given metadata
   */
  GuardedTableOperations(TableOperations delegate, Consumer<TableMetadata> guard) {
    this(
        delegate,
        (base, metadata) -> {
          guard.accept(base);
          return metadata;
        });
  }

  private GuardedTableOperations(TableOperations delegate, BinaryOperator<TableMetadata> complete) {
    this.delegate = delegate;
    this.complete = complete;
  }

  /**
   * Operations whose commits first pass {@code complete} the metadata a change replaces and the
   * changed metadata, and commit what it returns.
   */
  static GuardedTableOperations completing(
      TableOperations delegate, BinaryOperator<TableMetadata> complete) {
    return new GuardedTableOperations(delegate, complete);
  }

  @Override
  public void commit(TableMetadata base, TableMetadata metadata) {
    delegate.commit(base, complete.apply(base, metadata));
  }

  @Override
  public TableMetadata current() {
    return delegate.current();
  }

  @Override
  public TableMetadata refresh() {
    return delegate.refresh();
  }

  @Override
  public FileIO io() {
    return delegate.io();
  }

  @Override
  public EncryptionManager encryption() {
    return delegate.encryption();
  }

  @Override
  public String metadataFileLocation(String fileName) {
    return delegate.metadataFileLocation(fileName);
  }

  @Override
  public LocationProvider locationProvider() {
    return delegate.locationProvider();
  }

  @Override
  public TableOperations temp(TableMetadata uncommittedMetadata) {
    return delegate.temp(uncommittedMetadata);
  }

  @Override
  public long newSnapshotId() {
    return delegate.newSnapshotId();
  }

  @Override
  public boolean requireStrictCleanup() {
    return delegate.requireStrictCleanup();
  }
}
