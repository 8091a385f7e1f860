package io.lakestream.cdc.postgres;

import io.lakestream.core.spec.Secrets;
import io.lakestream.core.spec.SourceSpec;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code source.postgres} section: changes read straight from PostgreSQL by logical replication
 * (the {@code pgoutput} plugin), after an optional consistent snapshot of the existing rows.
 *
 * @param url the JDBC URL of the database, {@code jdbc:postgresql://host:port/database}
 * @param user the user; it needs the REPLICATION attribute and SELECT on the tables
 * @param password the password, or null
 * @param tables the tables to read, {@code schema.table}
 * @param slot the replication slot; created when absent
 * @param publication the publication; created for {@code tables} when absent
 * @param snapshot whether a new slot starts with a snapshot of the existing rows
 * @param routes lake table names by source table, for tables not named after themselves (several
 *     source tables may share one lake table: merged shards)
 */
public record PostgresSourceSpec(
    String url,
    String user,
    String password,
    List<String> tables,
    String slot,
    String publication,
    Snapshot snapshot,
    Map<String, String> routes)
    implements SourceSpec {

  public PostgresSourceSpec {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(user, "user");
    tables = List.copyOf(tables);
    Objects.requireNonNull(slot, "slot");
    Objects.requireNonNull(publication, "publication");
    Objects.requireNonNull(snapshot, "snapshot");
    routes = Map.copyOf(routes);
  }

  @Override
  public String summary() {
    return "the changes of "
        + String.join(", ", tables)
        + " from "
        + Secrets.maskText(url)
        + " (slot "
        + slot
        + ")";
  }

  /** What a new replication slot starts with. */
  public enum Snapshot {
    /** The rows the tables hold when the slot is created, then every change after them. */
    INITIAL,
    /** Only the changes after the slot is created. */
    NEVER
  }

  /** Shows every component with the password masked, also one in the URL. */
  @Override
  public String toString() {
    return "PostgresSourceSpec[url="
        + Secrets.maskText(url)
        + ", user="
        + user
        + ", password="
        + Secrets.mask(Map.of("password", password == null ? "" : password)).get("password")
        + ", tables="
        + tables
        + ", slot="
        + slot
        + ", publication="
        + publication
        + ", snapshot="
        + snapshot
        + ", routes="
        + routes
        + "]";
  }
}
