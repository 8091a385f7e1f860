package io.lakestream.cdc.postgres;

import static io.lakestream.cdc.postgres.PostgresOptions.PASSWORD;
import static io.lakestream.cdc.postgres.PostgresOptions.PUBLICATION;
import static io.lakestream.cdc.postgres.PostgresOptions.ROUTES;
import static io.lakestream.cdc.postgres.PostgresOptions.SLOT;
import static io.lakestream.cdc.postgres.PostgresOptions.SNAPSHOT;
import static io.lakestream.cdc.postgres.PostgresOptions.TABLES;
import static io.lakestream.cdc.postgres.PostgresOptions.URL;
import static io.lakestream.cdc.postgres.PostgresOptions.USER;

import io.lakestream.core.spec.Problems;
import io.lakestream.core.spec.SchemaSpec;
import io.lakestream.core.spec.Section;
import io.lakestream.core.spec.SourceSection;
import io.lakestream.core.spec.SourceType;
import io.lakestream.core.spec.SpecContext;
import io.lakestream.core.spec.SpecOption;
import io.lakestream.core.spec.SpecOutline;
import io.lakestream.core.spec.TypeNames;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The {@code postgres} source type: the changes of PostgreSQL tables read by logical replication.
 * The columns come from the database, so a spec declares no {@code schema}; the records are
 * changes, so transforms do not apply; with several tables the sink table is {@code namespace.*}.
 */
public final class PostgresSourceType implements SourceType {
  private static final Pattern TABLE =
      Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*\\.[A-Za-z_][A-Za-z0-9_$]*");
  private static final Pattern NAME = Pattern.compile("[a-z0-9_]{1,63}");

  @Override
  public String name() {
    return "postgres";
  }

  @Override
  public String description() {
    return "Read the changes of PostgreSQL tables by logical replication (pgoutput), after a"
        + " consistent snapshot of their rows; no Kafka or Debezium in between.";
  }

  @Override
  public List<SpecOption<?>> options() {
    return PostgresOptions.ALL;
  }

  @Override
  public SourceSection read(Section s, SpecContext context) {
    Problems problems = context.problems();
    String url = s.string(URL);
    if (url != null && !url.startsWith("jdbc:postgresql:")) {
      s.problem(
          URL,
          "must be a PostgreSQL JDBC URL such as jdbc:postgresql://localhost:5432/shop (got "
              + Section.quote(url)
              + ")");
      url = null;
    }
    String user = s.string(USER);
    String password = s.string(PASSWORD);
    List<String> tables = s.stringList(TABLES);
    if (tables != null) {
      for (int i = 0; i < tables.size(); i++) {
        if (!TABLE.matcher(tables.get(i)).matches()) {
          problems.add(
              Section.index(s.pathOf(TABLES), i),
              "must be schema.table (got " + Section.quote(tables.get(i)) + ")");
          tables = null;
          break;
        }
      }
    }
    String slot = s.has(SLOT) ? s.string(SLOT) : defaultSlot(context.pipeline());
    if (slot != null && !NAME.matcher(slot).matches()) {
      s.problem(
          SLOT,
          "must be lower-case letters, digits and _, at most 63 characters (got "
              + Section.quote(slot)
              + ")");
      slot = null;
    }
    String publication = s.has(PUBLICATION) ? s.string(PUBLICATION) : slot;
    PostgresSourceSpec.Snapshot snapshot = s.choice(SNAPSHOT);
    Map<String, String> routes = routes(s, tables, problems);

    boolean ok =
        url != null
            && user != null
            && tables != null
            && slot != null
            && publication != null
            && snapshot != null
            && (routes != null || !s.has(ROUTES));
    PostgresSourceSpec spec =
        ok
            ? new PostgresSourceSpec(
                url,
                user,
                password,
                tables,
                slot,
                publication,
                snapshot,
                routes == null ? Map.of() : routes)
            : null;
    return new Read(spec, tables);
  }

  /** The section as read; the checks need only the tables, when they could be read. */
  private record Read(PostgresSourceSpec spec, List<String> tables) implements SourceSection {

    @Override
    public SchemaSpec schema(boolean declared, String path, Problems problems) {
      if (declared) {
        problems.add(path, "does not apply to source postgres: the columns come from the database");
      }
      return SchemaSpec.undeclared();
    }

    @Override
    public void check(SpecOutline outline, Problems problems) {
      outline.noTransformsOnChanges("source postgres", problems);
      if (outline.sink() != null
          && tables != null
          && tables.size() > 1
          && !outline.sink().table().endsWith(".*")) {
        problems.add(
            outline.sinkTablePath(),
            "must be a namespace followed by .*, e.g. lake.*: source.postgres reads "
                + tables.size()
                + " tables, each into its own table of that namespace (got "
                + Section.quote(outline.sink().table())
                + ")");
      }
    }
  }

  /** {@code lakestream_<pipeline>}, or null when the pipeline id has a mistake (reported). */
  private static String defaultSlot(String pipeline) {
    return pipeline == null
        ? null
        : "lakestream_" + pipeline.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
  }

  /** The routes, each from a table read to a valid name; null after reporting a mistake. */
  private static Map<String, String> routes(Section s, List<String> tables, Problems problems) {
    Map<String, String> routes = s.stringMap(ROUTES);
    if (routes == null || tables == null) {
      return routes;
    }
    for (Map.Entry<String, String> e : routes.entrySet()) {
      String at = Section.child(s.pathOf(ROUTES), e.getKey());
      if (!tables.contains(e.getKey())) {
        problems.add(at, Section.unknownName("table", e.getKey(), tables, "tables"));
        return null;
      }
      if (!TypeNames.isValidName(e.getValue())) {
        problems.add(at, TypeNames.NAME_RULE + " (got " + Section.quote(e.getValue()) + ")");
        return null;
      }
    }
    return routes;
  }
}
