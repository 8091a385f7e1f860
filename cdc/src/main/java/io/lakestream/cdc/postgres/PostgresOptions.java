package io.lakestream.cdc.postgres;

import io.lakestream.core.spec.SpecOption;
import java.util.List;
import java.util.Map;

/**
 * The keys of {@code source.postgres}, declared once: {@link PostgresSourceType} reads the section
 * with them, and the spec reference documents them from here.
 */
public final class PostgresOptions {
  private PostgresOptions() {}

  public static final SpecOption<String> URL =
      SpecOption.key("url")
          .stringType()
          .required()
          .withDescription("JDBC URL of the database: `jdbc:postgresql://host:5432/shop`.");

  public static final SpecOption<String> USER =
      SpecOption.key("user")
          .stringType()
          .required()
          .withDescription(
              "The user; it needs the REPLICATION attribute, SELECT on the tables and, unless the"
                  + " publication exists, the right to create it.");

  public static final SpecOption<String> PASSWORD =
      SpecOption.key("password")
          .stringType()
          .withDescription("The password; masked wherever the spec is printed.");

  public static final SpecOption<List<String>> TABLES =
      SpecOption.key("tables")
          .stringListType()
          .required()
          .withDescription(
              "The tables to read, `schema.table`. Each needs a primary key, which becomes the"
                  + " key of its lake table.");

  public static final SpecOption<String> SLOT =
      SpecOption.key("slot")
          .stringType()
          .computedDefault("`lakestream_<pipeline>` (non-alphanumerics become `_`)")
          .withDescription(
              "The logical replication slot; created when absent. Its confirmed position advances"
                  + " only after the checkpoint that holds a change is committed to the tables.");

  public static final SpecOption<String> PUBLICATION =
      SpecOption.key("publication")
          .stringType()
          .computedDefault("the slot's name")
          .withDescription("The publication; created for `tables` when absent.");

  public static final SpecOption<PostgresSourceSpec.Snapshot> SNAPSHOT =
      SpecOption.key("snapshot")
          .enumType(PostgresSourceSpec.Snapshot.class)
          .defaultValue(PostgresSourceSpec.Snapshot.INITIAL)
          .withDescription(
              "`initial`: a new slot starts with a consistent snapshot of the tables' rows, then"
                  + " streams every change after it, with no gap and no overlap. `never`: only"
                  + " changes made after the slot was created.");

  public static final SpecOption<Map<String, String>> ROUTES =
      SpecOption.key("routes")
          .stringMapType()
          .withDescription(
              "Lake table names by source table, e.g. `{public.orders_2024: orders,"
                  + " public.orders_2025: orders}`: with several source tables, `sink.<type>.table`"
                  + " is `namespace.*` and each source table becomes `namespace.<its name>` unless"
                  + " routed here. Tables routed to one name (shards) are merged into one lake"
                  + " table; they must have the same columns and key.");

  /** Every key of {@code source.postgres}, in the order the docs list them. */
  public static final List<SpecOption<?>> ALL =
      List.of(URL, USER, PASSWORD, TABLES, SLOT, PUBLICATION, SNAPSHOT, ROUTES);
}
