package io.lakestream.compaction;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableOperations;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.CommitStateUnknownException;

/**
 * A lease on one table for one maintainer, kept in the table's own metadata: the property {@value
 * #PROPERTY} holds {@code <expires-at-epoch-millis> <owner>}.
 *
 * <p>Why it is exclusive: acquiring, renewing and releasing each read the table's current metadata,
 * check the property, and commit new metadata with {@link TableOperations#commit(TableMetadata,
 * TableMetadata)} against exactly the metadata read. That commit is a compare-and-swap of the
 * table's metadata location in the catalog (the JDBC catalog updates the row only where the old
 * location is still current; Hadoop, Hive, Glue and Nessie catalogs do the same), so of two
 * maintainers that read the same metadata, one commit fails and that maintainer reads again and
 * sees the other's lease. Unlike Iceberg's {@code updateProperties()}, which re-applies itself to
 * newer metadata after a conflict, nothing is retried blindly. Writers' commits in between only
 * make a lease commit retry; writers keep the property as it is.
 *
 * <p>A lease expires unless renewed: a maintainer that dies stops holding it after its time to
 * live. Expiry is judged by the reader's clock against the holder's, so clocks must agree to well
 * within the time to live. Maintenance actions are themselves safe when two run at once (every
 * commit is validated by Iceberg); the lease keeps two maintainers from doing the same work twice
 * and from racing each other's rewrites.
 */
public final class TableLease {
  /** The table property holding the lease. */
  public static final String PROPERTY = "lakestream.maintenance.lease";

  /** How often a compare-and-swap that lost to a writer's commit is tried again. */
  private static final int ATTEMPTS = 10;

  private final String owner;
  private final Duration ttl;
  private final Clock clock;

  /**
   * @param owner who holds the lease: unique per maintainer process (host, process id and a random
   *     part)
   * @param ttl how long a lease lasts unless renewed
   */
  public TableLease(String owner, Duration ttl, Clock clock) {
    if (owner.isBlank() || owner.contains("\n")) {
      throw new IllegalArgumentException("A lease owner must be one non-blank line: " + owner);
    }
    this.owner = owner;
    this.ttl = ttl;
    this.clock = clock;
  }

  /** Who holds a table's lease, and until when. */
  public record Holder(String owner, long expiresAtMillis) {
    static Optional<Holder> of(TableMetadata metadata) {
      String value = metadata.properties().get(PROPERTY);
      if (value == null) {
        return Optional.empty();
      }
      int space = value.indexOf(' ');
      try {
        return Optional.of(
            new Holder(value.substring(space + 1), Long.parseLong(value.substring(0, space))));
      } catch (NumberFormatException | IndexOutOfBoundsException e) {
        return Optional.empty(); // not a lease: free to take
      }
    }
  }

  /** The table's current holder, expired or not, if any. */
  public static Optional<Holder> holder(Table table) {
    return Holder.of(operations(table).refresh());
  }

  /**
   * Takes the lease unless another owner holds one that has not expired; renews it if this owner
   * holds it.
   *
   * @return whether this owner now holds the lease
   * @throws CommitStateUnknownException if the catalog cannot say whether the lease was written
   */
  public boolean acquire(Table table) {
    return swap(table, true);
  }

  /**
   * Extends the lease by its time to live, if this owner still holds it.
   *
   * @return false if the lease expired and another owner took it: stop working on the table
   */
  public boolean renew(Table table) {
    return swap(table, false);
  }

  /**
   * Gives the lease up, if this owner holds it, setting {@code properties} in the same commit.
   *
   * @return false if another owner had taken it meanwhile (nothing is then set)
   */
  public boolean release(Table table, Map<String, String> properties) {
    TableOperations ops = operations(table);
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      TableMetadata base = ops.refresh();
      if (!Holder.of(base).map(h -> h.owner().equals(owner)).orElse(false)) {
        return false;
      }
      TableMetadata released =
          TableMetadata.buildFrom(base)
              .removeProperties(Set.of(PROPERTY))
              .setProperties(properties)
              .build();
      try {
        ops.commit(base, released);
        return true;
      } catch (CommitFailedException e) {
        // a writer committed in between: read again
      }
    }
    return false;
  }

  private boolean swap(Table table, boolean take) {
    TableOperations ops = operations(table);
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      TableMetadata base = ops.refresh();
      long now = clock.millis();
      Optional<Holder> current = Holder.of(base);
      boolean mine = current.map(h -> h.owner().equals(owner)).orElse(false);
      boolean free = current.map(h -> h.expiresAtMillis() <= now).orElse(true);
      if (!mine && !(take && free)) {
        return false;
      }
      Map<String, String> lease = Map.of(PROPERTY, (now + ttl.toMillis()) + " " + owner);
      try {
        ops.commit(base, TableMetadata.buildFrom(base).setProperties(lease).build());
        return true;
      } catch (CommitFailedException e) {
        // someone committed in between, maybe another maintainer: read again and decide
      }
    }
    return false;
  }

  private static TableOperations operations(Table table) {
    if (table instanceof HasTableOperations t) {
      return t.operations();
    }
    throw new IllegalArgumentException("Table " + table.name() + " exposes no table operations");
  }
}
