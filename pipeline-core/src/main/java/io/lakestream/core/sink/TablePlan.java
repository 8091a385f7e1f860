package io.lakestream.core.sink;

import java.util.Objects;

/**
 * One table a pipeline will open, known from its spec before anything connects: what {@link
 * SinkFactory#check} needs to find the mistakes that {@link SinkFactory#open} would otherwise only
 * find after touching the catalog.
 *
 * @param context the context the pipeline will open the table with
 * @param sectionPath the path of the sink's section in the spec, e.g. {@code sink.iceberg}
 * @param tablePath where the spec names this table, e.g. {@code
 *     transforms[2].window.late-records.table}, or the sink's {@code table} for a default name
 * @param reason why the spec must ask the sink for upserts itself, for messages, e.g. {@code format
 *     debezium-json carries inserts, updates and deletes}; null when it need not (see {@link
 *     #upsertsDeclared})
 */
public record TablePlan(SinkContext context, String sectionPath, String tablePath, String reason) {
  public TablePlan {
    Objects.requireNonNull(context, "context");
    Objects.requireNonNull(sectionPath, "sectionPath");
    Objects.requireNonNull(tablePath, "tablePath");
  }

  /**
   * Whether the spec must ask the sink for upserts itself: the rows replace (and, for change
   * formats, delete) earlier rows by key, and writing them appended would keep every version. False
   * when the pipeline alone decides that (window results, a database's change stream) or the rows
   * are plain appends.
   */
  public boolean upsertsDeclared() {
    return reason != null;
  }
}
