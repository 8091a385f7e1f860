package io.lakestream.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestream.compaction.ActionResult;
import io.lakestream.compaction.MaintenanceScheduler.JobRun;
import java.util.List;
import java.util.Locale;

/** Maintenance results as JSON, the stable form {@code maintain} and {@code schedule} print. */
final class ResultJson {
  private ResultJson() {}

  /** {@code {"action", "table", "dry_run", "duration_ms", "counts": {...}}} for each result. */
  static ArrayNode results(List<ActionResult> results) {
    ArrayNode array = JsonNodeFactory.instance.arrayNode();
    for (ActionResult r : results) {
      ObjectNode node =
          array
              .addObject()
              .put("action", r.action())
              .put("table", r.table())
              .put("dry_run", r.dryRun())
              .put("duration_ms", r.duration().toMillis());
      ObjectNode counts = node.putObject("counts");
      r.counts().forEach(counts::put);
    }
    return array;
  }

  /**
   * {@code {"job", "table", "outcome", "detail", "started_ms", "finished_ms", "results": [...]}}:
   * one job's evaluation on one table; outcome is {@code ran}, {@code busy}, {@code lease_lost} or
   * {@code failed}.
   */
  static ObjectNode run(JobRun run) {
    ObjectNode node =
        JsonNodeFactory.instance
            .objectNode()
            .put("job", run.job())
            .put("table", run.table())
            .put("outcome", run.outcome().name().toLowerCase(Locale.ROOT))
            .put("detail", run.detail())
            .put("started_ms", run.started().toEpochMilli())
            .put("finished_ms", run.finished().toEpochMilli());
    node.set("results", results(run.results()));
    return node;
  }
}
