package io.lakestream.core.runtime;

import io.lakestream.core.runtime.Metric.Type;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Every metric a running pipeline exposes, declared once: {@link PipelineMetrics#samples} produces
 * values of these, the metrics endpoint serves them, and {@link #markdown()} renders the list in
 * docs/operations.md. Names and labels are stable: a name is never reused for something else.
 *
 * <p>Every metric has the labels {@code pipeline} (the spec's id) and {@code writer} (the spec's
 * writer, {@code default} unless it names one); some add {@code table}, {@code split} (a source
 * split: {@code topic:partition} for Kafka, the replication slot's split for PostgreSQL) or {@code
 * exchange} (the keyed step it feeds, counted from 0).
 */
public final class Metrics {
  private Metrics() {}

  private static final List<String> PIPELINE = List.of("pipeline", "writer");
  private static final List<String> TABLE = List.of("pipeline", "writer", "table");
  private static final List<String> SPLIT = List.of("pipeline", "writer", "split");

  public static final Metric RECORDS_IN =
      new Metric("lakestream_records_in", Type.COUNTER, PIPELINE, "Records read from the source.");
  public static final Metric RECORDS_OUT =
      new Metric(
          "lakestream_records_out", Type.COUNTER, PIPELINE, "Rows written to the output tables.");
  public static final Metric RECORDS_FILTERED =
      new Metric(
          "lakestream_records_filtered", Type.COUNTER, PIPELINE, "Records a `filter` dropped.");
  public static final Metric RECORDS_DEAD_LETTERED =
      new Metric(
          "lakestream_records_dead_lettered",
          Type.COUNTER,
          PIPELINE,
          "Bad records written to the dead-letter table.");
  public static final Metric RECORDS_SKIPPED =
      new Metric(
          "lakestream_records_skipped",
          Type.COUNTER,
          PIPELINE,
          "Bad records counted, logged and dropped by `errors.policy: skip`.");
  public static final Metric RECORDS_DUPLICATES =
      new Metric(
          "lakestream_records_duplicates", Type.COUNTER, PIPELINE, "Records a `dedupe` dropped.");
  public static final Metric RECORDS_LATE =
      new Metric(
          "lakestream_records_late",
          Type.COUNTER,
          PIPELINE,
          "Records too late for their window, written to the late-records table.");
  public static final Metric RECORDS_DELETED =
      new Metric(
          "lakestream_records_deleted", Type.COUNTER, PIPELINE, "Rows removed by delete changes.");
  public static final Metric RECORDS_TOMBSTONES =
      new Metric(
          "lakestream_records_tombstones",
          Type.COUNTER,
          PIPELINE,
          "Records with a null value that were skipped.");
  public static final Metric RECORDS_ALREADY_COMMITTED =
      new Metric(
          "lakestream_records_already_committed",
          Type.COUNTER,
          PIPELINE,
          "Records read again after a restart whose rows the table already held.");

  public static final Metric SOURCE_LAG =
      new Metric(
          "lakestream_source_lag_records",
          Type.GAUGE,
          SPLIT,
          "Records the split holds beyond the last committed checkpoint, asked of the source at"
              + " scrape time (absent when the source does not answer within 3 s).");
  public static final Metric SOURCE_LAG_SECONDS =
      new Metric(
          "lakestream_source_lag_seconds",
          Type.GAUGE,
          SPLIT,
          "How long the split's oldest record not yet committed has waited: now minus the"
              + " timestamp (Kafka's record timestamp) of the first record beyond the last"
              + " committed checkpoint's position; 0 when the split holds nothing beyond it. Asked"
              + " of the source at scrape time (absent when it does not answer within 3 s).");
  public static final Metric SOURCE_EVENT_TIME =
      new Metric(
          "lakestream_source_event_time_seconds",
          Type.GAUGE,
          SPLIT,
          "Newest event time read from the split as of the last committed checkpoint, epoch"
              + " seconds (pipelines with `event-time` and a keyed step).");
  public static final Metric WATERMARK =
      new Metric(
          "lakestream_watermark_seconds",
          Type.GAUGE,
          PIPELINE,
          "The source watermark as of the last committed checkpoint: the smallest over the splits"
              + " of their newest event time minus `max-out-of-orderness`, epoch seconds.");
  public static final Metric WATERMARK_LAG =
      new Metric(
          "lakestream_watermark_lag_seconds",
          Type.GAUGE,
          PIPELINE,
          "Now minus `lakestream_watermark_seconds`.");

  public static final Metric CHECKPOINT_DURATION =
      new Metric(
          "lakestream_checkpoint_duration_seconds",
          Type.SUMMARY,
          PIPELINE,
          "Checkpoints that committed, and their time from barrier to acknowledgement.");
  public static final Metric CHECKPOINT_LAST_DURATION =
      new Metric(
          "lakestream_checkpoint_last_duration_seconds",
          Type.GAUGE,
          PIPELINE,
          "Time the last committed checkpoint took.");
  public static final Metric CHECKPOINT_LAST_BYTES =
      new Metric(
          "lakestream_checkpoint_last_bytes",
          Type.GAUGE,
          PIPELINE,
          "Size of the last committed checkpoint: the tables' committables and the state handles.");
  public static final Metric CHECKPOINT_FAILURES =
      new Metric(
          "lakestream_checkpoint_failures",
          Type.COUNTER,
          PIPELINE,
          "Checkpoints that failed (aborted, not persisted, or not committed in"
              + " `checkpoint.retry-timeout`); each one ends the run.");
  public static final Metric CHECKPOINT_LAST_ID =
      new Metric(
          "lakestream_checkpoint_last_id",
          Type.GAUGE,
          PIPELINE,
          "Id of the last committed checkpoint (of this run, or the one it resumed after).");
  public static final Metric CHECKPOINT_LAST_COMPLETED =
      new Metric(
          "lakestream_checkpoint_last_completed_timestamp_seconds",
          Type.GAUGE,
          PIPELINE,
          "When the last checkpoint completed: committed, or found nothing new to commit; epoch"
              + " seconds. Readiness is judged on it.");

  public static final Metric TABLE_COMMIT_DURATION =
      new Metric(
          "lakestream_table_commit_duration_seconds",
          Type.SUMMARY,
          TABLE,
          "Table commits that succeeded, and the time each took.");
  public static final Metric TABLE_COMMIT_FAILURES =
      new Metric(
          "lakestream_table_commit_failures",
          Type.COUNTER,
          TABLE,
          "Table commit attempts that failed; one that may pass is retried until"
              + " `checkpoint.retry-timeout`.");
  public static final Metric TABLE_COMMITTED_FILES =
      new Metric(
          "lakestream_table_committed_files",
          Type.COUNTER,
          TABLE,
          "Data files added to the table by this run's commits.");
  public static final Metric TABLE_COMMITTED_RECORDS =
      new Metric(
          "lakestream_table_committed_records",
          Type.COUNTER,
          TABLE,
          "Rows added to the table by this run's commits.");
  public static final Metric TABLE_COMMITTED_BYTES =
      new Metric(
          "lakestream_table_committed_bytes",
          Type.COUNTER,
          TABLE,
          "Bytes of the files (data and delete files) added to the table by this run's commits, as"
              + " the table records their sizes.");
  public static final Metric TABLE_LAST_COMMIT =
      new Metric(
          "lakestream_table_last_commit_timestamp_seconds",
          Type.GAUGE,
          TABLE,
          "When this run last committed to the table, epoch seconds.");
  public static final Metric TABLE_FRESHNESS =
      new Metric(
          "lakestream_table_freshness_seconds",
          Type.GAUGE,
          TABLE,
          "Now minus the newest event time the table's last commit includes (the output table"
              + " of pipelines with `event-time` and a keyed step).");

  public static final Metric STATE_BYTES =
      new Metric(
          "lakestream_state_bytes",
          Type.GAUGE,
          PIPELINE,
          "Bytes of the files under the state directory (`<checkpoint.dir>/state`), snapshots"
              + " included (pipelines with `dedupe` or `window`).");
  public static final Metric STATE_KEYS =
      new Metric(
          "lakestream_state_keys",
          Type.GAUGE,
          PIPELINE,
          "Keys in the keyed steps' state as of the last checkpoint, over all tasks: for a `dedupe`"
              + " one per key it remembers, plus its expiry index (an entry per time bucket and"
              + " flush) and one watermark entry per task. RocksDB's estimate, which counts keys"
              + " written again since the last compaction more than once; exact with"
              + " `state.backend: memory`.");
  public static final Metric EXCHANGE_FILL =
      new Metric(
          "lakestream_exchange_queue_fill_ratio",
          Type.GAUGE,
          List.of("pipeline", "writer", "exchange"),
          "How full the channels into a keyed step are, 0 to 1; near 1 the step holds the"
              + " sources back (backpressure).");
  public static final Metric RUNNING =
      new Metric(
          "lakestream_pipeline_running",
          Type.GAUGE,
          PIPELINE,
          "1 while the pipeline runs, else 0.");
  public static final Metric READY =
      new Metric(
          "lakestream_pipeline_ready",
          Type.GAUGE,
          PIPELINE,
          "1 while `/ready` answers 200, else 0.");

  /** Every metric, in the order of the documentation. */
  public static final List<Metric> ALL =
      List.of(
          RECORDS_IN,
          RECORDS_OUT,
          RECORDS_FILTERED,
          RECORDS_DEAD_LETTERED,
          RECORDS_SKIPPED,
          RECORDS_DUPLICATES,
          RECORDS_LATE,
          RECORDS_DELETED,
          RECORDS_TOMBSTONES,
          RECORDS_ALREADY_COMMITTED,
          SOURCE_LAG,
          SOURCE_LAG_SECONDS,
          SOURCE_EVENT_TIME,
          WATERMARK,
          WATERMARK_LAG,
          CHECKPOINT_DURATION,
          CHECKPOINT_LAST_DURATION,
          CHECKPOINT_LAST_BYTES,
          CHECKPOINT_FAILURES,
          CHECKPOINT_LAST_ID,
          CHECKPOINT_LAST_COMPLETED,
          TABLE_COMMIT_DURATION,
          TABLE_COMMIT_FAILURES,
          TABLE_COMMITTED_FILES,
          TABLE_COMMITTED_RECORDS,
          TABLE_COMMITTED_BYTES,
          TABLE_LAST_COMMIT,
          TABLE_FRESHNESS,
          STATE_BYTES,
          STATE_KEYS,
          EXCHANGE_FILL,
          RUNNING,
          READY);

  private static final String BEGIN = "<!-- metrics:begin -->\n";
  private static final String END = "<!-- metrics:end -->";

  /**
   * {@code doc} with {@link #markdown()} between its markers {@code <!-- metrics:begin -->} and
   * {@code <!-- metrics:end -->}, replacing what was there.
   *
   * @throws IllegalArgumentException if {@code doc} lacks the markers
   */
  public static String withMetricList(String doc) {
    int begin = doc.indexOf(BEGIN);
    int end = doc.indexOf(END);
    if (begin < 0 || end < begin) {
      throw new IllegalArgumentException("No " + BEGIN.trim() + " ... " + END + " in the document");
    }
    return doc.substring(0, begin + BEGIN.length()) + markdown() + doc.substring(end);
  }

  /** Rewrites the metric list of the Markdown file given as the only argument. */
  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: Metrics <operations.md>");
      System.exit(2);
    }
    Path file = Path.of(args[0]);
    Files.writeString(
        file,
        withMetricList(Files.readString(file, StandardCharsets.UTF_8)),
        StandardCharsets.UTF_8);
  }

  /** The metric list of docs/operations.md: one table row per metric. */
  public static String markdown() {
    List<String> rows = new ArrayList<>();
    rows.add("| Name | Type | Labels | Description |");
    rows.add("|---|---|---|---|");
    for (Metric m : ALL) {
      rows.add(
          "| "
              + m.exposedNames().stream()
                  .map(n -> "`" + n + "`")
                  .collect(Collectors.joining("<br>"))
              + " | "
              + m.type().name().toLowerCase(Locale.ROOT)
              + " | "
              + String.join(", ", m.labels())
              + " | "
              + m.help()
              + " |");
    }
    return String.join("\n", rows) + "\n";
  }
}
