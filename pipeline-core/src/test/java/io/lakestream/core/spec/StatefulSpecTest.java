package io.lakestream.core.spec;

import static io.lakestream.core.spec.SpecParserTest.problemsOf;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The event-time and state sections, and the dedupe and window steps. */
class StatefulSpecTest {

  private static String spec(String eventTime, String steps) {
    return """
        pipeline: p
        source:
          kafka: {bootstrap-servers: embedded, topics: [t]}
        sink:
          test: {table: a.orders}
        schema:
          fields:
            - {name: event_id, type: long}
            - {name: category, type: string}
            - {name: amount, type: "decimal(10,2)"}
            - {name: score, type: double}
            - {name: event_time, type: timestamp}
        """
        + eventTime
        + "\ntransforms:\n"
        + steps.indent(2);
  }

  private static final String EVENT_TIME =
      "event-time: {field: event_time, max-out-of-orderness: 5s, idle-timeout: 2s}";

  @Test
  void readsTheIssueExample() {
    PipelineSpec spec =
        SpecParser.parse(
            spec(
                EVENT_TIME + "\nstate: {backend: memory}",
                """
                - dedupe: {key: [event_id], ttl: 1h, keep: first}
                - window:
                    type: tumbling
                    size: 1m
                    group-by: [category]
                    aggregates: {orders: count(*), revenue: sum(amount), top: max(amount)}
                    allowed-lateness: 5m
                    early-fire: 10s
                    late-records: {table: analytics.orders_late}
                """));

    assertThat(spec.eventTime())
        .isEqualTo(new EventTimeSpec("event_time", Duration.ofSeconds(5), Duration.ofSeconds(2)));
    assertThat(spec.state().backend()).isEqualTo(StateSpec.Backend.MEMORY);
    Map<String, String> aggregates = new LinkedHashMap<>();
    aggregates.put("orders", "count(*)");
    aggregates.put("revenue", "sum(amount)");
    aggregates.put("top", "max(amount)");
    assertThat(spec.transforms())
        .containsExactly(
            new TransformSpec.Dedupe(
                List.of("event_id"), Duration.ofHours(1), TransformSpec.Dedupe.Keep.FIRST),
            new TransformSpec.Window(
                TransformSpec.Window.Type.TUMBLING,
                Duration.ofMinutes(1),
                null,
                null,
                List.of("category"),
                aggregates,
                Duration.ofMinutes(5),
                Duration.ofSeconds(10),
                "analytics.orders_late"));
    assertThat(spec.stateful()).isTrue();
  }

  @Test
  void defaultsTheLateTableAndTheBackend() {
    PipelineSpec spec =
        SpecParser.parse(
            spec(
                EVENT_TIME,
                """
                - window: {type: session, gap: 30s, aggregates: {n: count(*)}}
                """));

    TransformSpec.Window w = (TransformSpec.Window) spec.transforms().get(0);
    assertThat(w.lateTable()).isEqualTo("a.orders_late");
    assertThat(w.groupBy()).isEmpty();
    assertThat(w.allowedLateness()).isZero();
    assertThat(spec.state().backend()).isEqualTo(StateSpec.Backend.ROCKSDB);
  }

  @Test
  void reportsEveryWindowMistake() {
    assertThat(
            problemsOf(
                spec(
                    EVENT_TIME,
                    """
                    - window:
                        type: sliding
                        size: 1m
                        slide: 25s
                        gap: 5s
                        group-by: [category, score, nope, window_start]
                        aggregates: {orders: count(*), category: max(amount), bad: summ(amount)}
                    """)))
        .containsExactly(
            "transforms[0].window.gap: does not apply to sliding windows",
            "transforms[0].window.group-by[1]: a key column must be a primitive type other than"
                + " float and double or a decimal (score is double)",
            "transforms[0].window.group-by[2]: unknown field \"nope\" (fields: event_id,"
                + " category, amount, score, event_time)",
            "transforms[0].window.group-by[3]: \"window_start\" is a name the window output uses"
                + " itself",
            "transforms[0].window.aggregates.category: column \"category\" is already an output"
                + " column",
            "transforms[0].window.aggregates.bad: unknown aggregate function \"summ\" (did you"
                + " mean sum?); expected one of count, sum, min, max, avg, first, last,"
                + " count_distinct, approx_count_distinct");
  }

  @Test
  void slidingSizeMustBeAMultipleOfTheSlide() {
    assertThat(
            problemsOf(
                spec(
                    EVENT_TIME,
                    """
                    - window: {type: sliding, size: 1m, slide: 25s, aggregates: {n: count(*)}}
                    """)))
        .containsExactly(
            "transforms[0].window.size: must be a multiple of slide (1m is not a"
                + " multiple of 25s)");
  }

  @Test
  void aWindowNeedsEventTimeAndComesLast() {
    assertThat(
            problemsOf(
                spec(
                    "",
                    """
                    - window: {type: tumbling, size: 1m, aggregates: {n: count(*)}}
                    - filter: "n > 1"
                    """)))
        .containsExactly(
            "transforms[0].window: needs event time: add the top-level event-time section",
            "transforms[1]: a window must be the last step; move this step before it");
  }

  @Test
  void theEventTimeFieldMustBeATimestampWhereTheFirstStatefulStepRuns() {
    assertThat(
            problemsOf(
                spec(
                    "event-time: {field: amount}",
                    """
                    - dedupe: {key: [event_id], ttl: 1h}
                    """)))
        .containsExactly(
            "transforms[0].dedupe: event-time.field \"amount\" must be a timestamp column, but it"
                + " is decimal(10,2)");
  }

  @Test
  void aWindowCannotCountTheVersionsAKeepLastDedupePassesOn() {
    assertThat(
            problemsOf(
                spec(
                    EVENT_TIME,
                    """
                    - dedupe: {key: [event_id], ttl: 1h, keep: last}
                    - window: {type: tumbling, size: 1m, aggregates: {n: count(*)}}
                    """)))
        .containsExactly(
            "transforms[1].window: cannot follow a dedupe with keep: last, which passes on every"
                + " newer version of a key and so would be counted again; use keep: first before"
                + " a window");
  }

  @Test
  void reportsDedupeMistakes() {
    assertThat(
            problemsOf(
                spec(
                    EVENT_TIME,
                    """
                    - dedupe: {key: [], keep: newest}
                    """)))
        .containsExactly(
            "transforms[0].dedupe.key: must not be empty",
            "transforms[0].dedupe.ttl: is required",
            "transforms[0].dedupe.keep: must be one of first, last (got \"newest\")");
  }
}
