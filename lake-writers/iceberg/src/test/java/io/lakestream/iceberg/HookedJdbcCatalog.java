package io.lakestream.iceberg;

import java.util.concurrent.atomic.AtomicReference;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableOperations;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.encryption.EncryptionManager;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.LocationProvider;
import org.apache.iceberg.jdbc.JdbcCatalog;

/**
 * A real JDBC catalog whose table commits run one-shot hooks right before and right after the
 * catalog's compare-and-swap, to put a concurrent change or a lost response exactly there. Loaded
 * by tests through {@code catalog-impl}.
 */
public class HookedJdbcCatalog extends JdbcCatalog {
  static final AtomicReference<Runnable> BEFORE_COMMIT = new AtomicReference<>();
  static final AtomicReference<Runnable> AFTER_COMMIT = new AtomicReference<>();

  static void reset() {
    BEFORE_COMMIT.set(null);
    AFTER_COMMIT.set(null);
  }

  @Override
  protected TableOperations newTableOps(TableIdentifier id) {
    return new HookedOps(super.newTableOps(id));
  }

  private static void run(AtomicReference<Runnable> hook) {
    Runnable r = hook.getAndSet(null);
    if (r != null) {
      r.run();
    }
  }

  private static final class HookedOps implements TableOperations {
    private final TableOperations delegate;

    HookedOps(TableOperations delegate) {
      this.delegate = delegate;
    }

    @Override
    public void commit(TableMetadata base, TableMetadata metadata) {
      run(BEFORE_COMMIT);
      delegate.commit(base, metadata);
      run(AFTER_COMMIT);
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
    public long newSnapshotId() {
      return delegate.newSnapshotId();
    }
  }
}
