package io.lakestream.core.sink;

import io.lakestream.core.record.Schema;
import java.util.Map;
import java.util.Objects;

/**
 * What a {@link SinkFactory} needs to open one table for one pipeline.
 *
 * @param pipelineId the pipeline's id, recorded in every commit
 * @param config the sink's validated section of the spec
 * @param table the table to write, fully qualified ({@code namespace.name})
 * @param schema the schema of the rows the pipeline will write
 * @param role whether this is the pipeline's output table or its dead-letter table
 */
public record SinkContext(
    String pipelineId, Map<String, Object> config, String table, Schema schema, Role role) {

  /** What a table is for; a dead-letter table ignores the output table's layout options. */
  public enum Role {
    OUTPUT,
    DEAD_LETTER
  }

  public SinkContext {
    Objects.requireNonNull(pipelineId, "pipelineId");
    config = Map.copyOf(config);
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(role, "role");
  }
}
