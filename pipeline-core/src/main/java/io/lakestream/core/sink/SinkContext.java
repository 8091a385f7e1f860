package io.lakestream.core.sink;

import io.lakestream.core.record.Schema;
import io.lakestream.core.spec.WriterId;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a {@link SinkFactory} needs to open one table for one pipeline.
 *
 * @param writer who commits: the pipeline and the writer's name, recorded in every commit
 * @param config the sink's validated section of the spec
 * @param table the table to write, fully qualified ({@code namespace.name})
 * @param schema the schema of the rows the pipeline will write
 * @param role whether this is the pipeline's output table or a side table
 * @param key the key of the rows when the pipeline itself makes them keyed (window results,
 *     keep-last dedupe): the sink must write them as upserts by these columns; empty otherwise
 * @param branch the branch commits go to instead of the table's main line (only to a sink whose
 *     factory {@link SupportsBranches}), or null for the main line
 */
public record SinkContext(
    WriterId writer,
    Map<String, Object> config,
    String table,
    Schema schema,
    Role role,
    List<String> key,
    String branch) {

  /** What a table is for; side tables ignore the output table's layout options and append. */
  public enum Role {
    OUTPUT,
    DEAD_LETTER,
    LATE_RECORDS
  }

  /** A context for the main line. */
  public SinkContext(
      WriterId writer,
      Map<String, Object> config,
      String table,
      Schema schema,
      Role role,
      List<String> key) {
    this(writer, config, table, schema, role, key, null);
  }

  /** A context for rows without a pipeline-given key, for the main line. */
  public SinkContext(
      WriterId writer, Map<String, Object> config, String table, Schema schema, Role role) {
    this(writer, config, table, schema, role, List.of());
  }

  public SinkContext {
    Objects.requireNonNull(writer, "writer");
    config = Map.copyOf(config);
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(role, "role");
    key = List.copyOf(key);
  }

  /** This context with commits going to {@code newBranch} (null: the main line). */
  public SinkContext withBranch(String newBranch) {
    return new SinkContext(writer, config, table, schema, role, key, newBranch);
  }
}
