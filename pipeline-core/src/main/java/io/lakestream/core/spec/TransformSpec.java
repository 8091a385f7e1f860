package io.lakestream.core.spec;

import io.lakestream.core.record.DataType;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** One step of the {@code transforms} list, applied to every record in order. */
public sealed interface TransformSpec {

  /** Whether the step keeps state by key (dedupe, window), so its records are split by key. */
  default boolean keyed() {
    return this instanceof Dedupe || this instanceof Window;
  }

  /** Keeps records for which the expression is true: {@code - filter: "amount > 0"}. */
  record Filter(String expression) implements TransformSpec {}

  /**
   * Adds a column computed from an expression: {@code - compute: {name: cents, type: long, expr:
   * "amount * 100"}}. The spec parser rejects a name that is already a column.
   */
  record Compute(String name, DataType type, String expression) implements TransformSpec {}

  /** Keeps only the listed columns, in that order: {@code - project: [event_id, amount]}. */
  record Project(List<String> fields) implements TransformSpec {
    public Project {
      fields = List.copyOf(fields);
    }
  }

  /** Renames columns: {@code - rename: {user_id: customer_id}}. */
  record Rename(Map<String, String> renames) implements TransformSpec {
    public Rename {
      renames = Map.copyOf(renames);
    }
  }

  /** Changes column types: {@code - cast: {amount: "decimal(12,2)"}}. */
  record Cast(Map<String, DataType> casts) implements TransformSpec {
    public Cast {
      casts = Map.copyOf(casts);
    }
  }

  /**
   * Drops repeated records: {@code - dedupe: {key: [event_id], ttl: 1h, keep: first}}.
   *
   * @param key the columns that identify a record
   * @param ttl how long a key is remembered (event time when the spec has {@code event-time})
   * @param keep which record of a key is kept
   */
  record Dedupe(List<String> key, Duration ttl, Keep keep) implements TransformSpec {
    public Dedupe {
      key = List.copyOf(key);
    }

    /** Which record of a key a dedupe keeps. */
    public enum Keep {
      /** The first to arrive; later ones within the TTL are dropped. */
      FIRST,
      /** The one with the latest event time; written as an upsert by the key. */
      LAST
    }
  }

  /**
   * Aggregates records per event-time window and group.
   *
   * @param type the kind of window
   * @param size tumbling and sliding windows: the window's length; null for sessions
   * @param slide sliding windows: the distance between window starts; null otherwise
   * @param gap session windows: the inactivity that ends a session; null otherwise
   * @param groupBy the group columns
   * @param aggregates output column name to aggregate call, in output order, e.g. {@code orders ->
   *     count(*)}
   * @param allowedLateness how long after it fires a window still takes corrections
   * @param earlyFire processing-time interval of partial results, or null for none
   * @param lateTable where records too late for their window go
   */
  record Window(
      Type type,
      Duration size,
      Duration slide,
      Duration gap,
      List<String> groupBy,
      Map<String, String> aggregates,
      Duration allowedLateness,
      Duration earlyFire,
      String lateTable)
      implements TransformSpec {
    /** The output's first column: where a window starts (inclusive). */
    public static final String START_COLUMN = "window_start";

    /** The output's second column: where a window ends (exclusive). */
    public static final String END_COLUMN = "window_end";

    public Window {
      groupBy = List.copyOf(groupBy);
      aggregates = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(aggregates));
    }

    /** The kinds of windows. */
    public enum Type {
      TUMBLING,
      SLIDING,
      SESSION
    }
  }
}
