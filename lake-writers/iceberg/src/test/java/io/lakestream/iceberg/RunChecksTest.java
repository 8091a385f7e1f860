package io.lakestream.iceberg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.core.runtime.Pipeline;
import io.lakestream.core.runtime.PipelineChecks;
import io.lakestream.core.runtime.RunOptions;
import io.lakestream.core.spec.SpecException;
import io.lakestream.core.spec.SpecParser;
import io.lakestream.core.spec.SpecProblem;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The checks {@code run} makes before it opens a table, made by validation against the Iceberg
 * sink: every problem with its path, no catalog opened.
 */
class RunChecksTest {
  private static final String SCHEMA =
      String.join(
          "\n",
          "schema:",
          "  fields:",
          "    - {name: event_id, type: long, required: true}",
          "    - {name: user_id, type: long}",
          "    - {name: amount, type: double}",
          "    - {name: event_time, type: timestamp}");

  private static String spec(String format, String transforms, String sink) {
    return String.join(
        "\n",
        "pipeline: orders",
        "source:",
        "  kafka: {bootstrap-servers: localhost:9092, topics: [orders], format: " + format + "}",
        SCHEMA,
        "event-time: {field: event_time}",
        transforms,
        "sink:",
        "  iceberg: " + sink,
        "");
  }

  private static List<String> problems(String yaml) {
    return PipelineChecks.problems(SpecParser.parse(yaml)).stream()
        .map(SpecProblem::toString)
        .toList();
  }

  @Test
  void aDebeziumSourceNeedsUpsertMode() {
    assertThat(problems(spec("debezium-json", "", "{table: lake.orders}")))
        .containsExactly(
            "sink.iceberg.mode: must be upsert: source.kafka.format debezium-json carries inserts,"
                + " updates and deletes, and appending them would keep every version; set mode:"
                + " upsert and key: the table's primary key (given append, the default)");
  }

  @Test
  void aDebeziumSourceInUpsertModeIsAccepted() {
    assertThat(
            problems(
                spec("debezium-json", "", "{table: lake.orders, mode: upsert, key: [event_id]}")))
        .isEmpty();
  }

  @Test
  void aKeepLastDedupeNeedsUpsertMode() {
    String dedupe = "transforms:\n  - dedupe: {key: [event_id], ttl: 1h, keep: last}";

    assertThat(problems(spec("json", dedupe, "{table: lake.orders}")))
        .containsExactly(
            "sink.iceberg.mode: must be upsert: transforms[0].dedupe keeps the last version of each"
                + " key, and appending them would keep every version; set mode: upsert and key:"
                + " [event_id] (given append, the default)");
    assertThat(
            problems(spec("json", dedupe, "{table: lake.orders, mode: upsert, key: [event_id]}")))
        .isEmpty();
  }

  @Test
  void aPartitionColumnMustBeInTheRows() {
    String project = "transforms:\n  - project: [event_id, event_time]";

    assertThat(
            problems(
                spec(
                    "json",
                    project,
                    "{table: lake.orders, partition-by: [\"day(event_time)\", \"bucket(16,"
                        + " user_id)\", \"day(event_id)\"]}")))
        .containsExactly(
            "sink.iceberg.partition-by[1]: column \"user_id\" is not in the rows the pipeline"
                + " writes (columns: event_id, event_time)",
            "sink.iceberg.partition-by[2]: cannot apply day to column \"event_id\" of type long");
  }

  @Test
  void anUpsertKeyMustBeAColumnOfAKeyType() {
    assertThat(
            problems(
                spec(
                    "json",
                    "",
                    "{table: lake.orders, mode: upsert, key: [order_id, amount],"
                        + " partition-by: [\"day(event_time)\"]}")))
        .containsExactly(
            "sink.iceberg.key[0]: column \"order_id\" is not in the rows the pipeline writes"
                + " (columns: event_id, user_id, amount, event_time)",
            "sink.iceberg.key[1]: column \"amount\" cannot be a key: Iceberg keys are columns of a"
                + " primitive type other than float and double",
            "sink.iceberg.partition-by[0]: column \"event_time\" is not in the key [order_id,"
                + " amount]: Iceberg requires partition columns to be key columns; add it to key or"
                + " partition by key columns only");
  }

  @Test
  void aWindowKeysItsTableByItself() {
    String window =
        String.join(
            "\n",
            "transforms:",
            "  - window: {type: tumbling, size: 1m, group-by: [user_id], aggregates: {n: count(*)},",
            "             late-records: {table: orders_late}}");

    assertThat(problems(spec("json", window, "{table: lake.orders, key: [user_id], mode: upsert}")))
        .containsExactly(
            "sink.iceberg.key: must be [window_start, window_end, user_id] or left out: the"
                + " pipeline's rows are keyed by [window_start, window_end, user_id] (given"
                + " [user_id])",
            "transforms[0].window.late-records.table: must be namespace.name, e.g."
                + " analytics.orders (given \"orders_late\")");
  }

  @Test
  void runRefusesWhatValidationReports() {
    var spec = SpecParser.parse(spec("debezium-json", "", "{table: lake.orders}"));
    Pipeline pipeline = new Pipeline(spec, RunOptions.defaults());

    assertThatThrownBy(pipeline::run)
        .isInstanceOf(SpecException.class)
        .hasMessageStartingWith("1 problem in the pipeline spec:\n  sink.iceberg.mode: must be");
  }
}
