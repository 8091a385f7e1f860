package io.lakestream.compaction;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * What one maintenance action did to one table (or, in a dry run, would do).
 *
 * @param action the action's name, e.g. {@code rewrite-data-files}
 * @param table the table's name
 * @param dryRun whether nothing was changed
 * @param counts what the action counted, by stable name (e.g. {@code files-rewritten}, {@code
 *     bytes-removed}, {@code snapshots-expired}), in the order the action reports them
 * @param duration how long the action took
 */
public record ActionResult(
    String action, String table, boolean dryRun, Map<String, Long> counts, Duration duration) {
  public ActionResult {
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(duration, "duration");
    counts = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(counts));
  }

  /** A count, 0 if the action did not report it. */
  public long count(String name) {
    return counts.getOrDefault(name, 0L);
  }

  /**
   * One line for people: {@code rewrite-data-files db.events: files-rewritten=12 ... in 1.2 s},
   * with {@code (dry run)} after the table in a dry run.
   */
  public String line() {
    return action
        + " "
        + table
        + (dryRun ? " (dry run)" : "")
        + ": "
        + counts.entrySet().stream()
            .map(e -> e.getKey() + "=" + e.getValue())
            .collect(Collectors.joining(" "))
        + String.format(" in %.1f s", duration.toMillis() / 1000.0);
  }
}
