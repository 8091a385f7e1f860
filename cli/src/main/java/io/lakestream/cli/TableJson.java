package io.lakestream.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestream.core.inspect.TableDescription;
import java.util.List;
import java.util.TreeMap;

/**
 * The {@code --json} output of {@code tables} and {@code describe}. The field names are a stable
 * interface for scripts (documented in docs/operations.md): add fields, never rename them.
 */
final class TableJson {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private TableJson() {}

  /** {@code {"tables": ["ns.a", "ns.b"]}} */
  static String tables(List<String> names) {
    ObjectNode root = MAPPER.createObjectNode();
    ArrayNode tables = root.putArray("tables");
    names.forEach(tables::add);
    return write(root);
  }

  /** One table's description. */
  static String describe(TableDescription d) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("name", d.name());
    root.put("format", d.format());
    root.put("format_version", d.formatVersion());
    root.put("location", d.location());
    root.put("partitioning", d.partitioning());
    root.put("sort_order", d.sortOrder());
    d.key().forEach(root.putArray("identifier_fields")::add);
    ObjectNode properties = root.putObject("properties");
    DescribeCommand.shownProperties(d).forEach(properties::put);
    ArrayNode columns = root.putArray("columns");
    for (TableDescription.Column c : d.columns()) {
      columns.addObject().put("name", c.name()).put("type", c.type()).put("required", c.required());
    }
    TableDescription.Totals t = d.totals();
    root.putObject("current")
        .put("data_files", t.dataFiles())
        .put("data_file_rows", t.records())
        .put("bytes", t.bytes())
        .put("position_delete_files", t.positionDeleteFiles())
        .put("position_deletes", t.positionDeletes())
        .put("equality_delete_files", t.equalityDeleteFiles())
        .put("equality_deletes", t.equalityDeletes())
        .put("live_rows", t.liveRows());
    ObjectNode details = root.putObject("details");
    d.details().forEach(details::put);
    ArrayNode writers = root.putArray("writers");
    for (TableDescription.WriterCheckpoint w : d.writers()) {
      ObjectNode node =
          writers
              .addObject()
              .put("pipeline", w.writer().pipeline())
              .put("writer", w.writer().name())
              .put("checkpoint", w.checkpointId())
              .put("committed_at", w.committedAt().toString());
      ObjectNode positions = node.putObject("source_positions");
      new TreeMap<String, Long>(w.sourcePositions()).forEach(positions::put);
    }
    root.put("snapshot_count", d.commitCount());
    ArrayNode snapshots = root.putArray("snapshots");
    for (TableDescription.Commit s : d.commits()) {
      ObjectNode node =
          snapshots
              .addObject()
              .put("snapshot_id", s.id())
              .put("committed_at", s.committedAt().toString())
              .put("operation", s.operation())
              .put("pipeline", s.writer() == null ? null : s.writer().pipeline())
              .put("writer", s.writer() == null ? null : s.writer().name())
              .put("checkpoint", s.checkpointId())
              .put("added_files", s.addedFiles())
              .put("added_rows", s.addedRecords());
      ObjectNode positions = node.putObject("source_positions");
      new TreeMap<String, Long>(s.sourcePositions()).forEach(positions::put);
    }
    return write(root);
  }

  private static String write(ObjectNode root) {
    try {
      return MAPPER.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write JSON for a tree of plain values", e);
    }
  }
}
