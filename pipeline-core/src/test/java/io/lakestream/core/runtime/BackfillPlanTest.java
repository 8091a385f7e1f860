package io.lakestream.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.core.error.PipelineException;
import io.lakestream.core.sink.RowRange;
import io.lakestream.core.spec.PipelineSpec;
import io.lakestream.core.spec.SpecParser;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackfillPlanTest {
  private static final Instant T1 = Instant.parse("2026-12-01T10:07:30Z");
  private static final Instant T2 = Instant.parse("2026-12-01T10:20:00Z");
  private static final Duration SKEW = Duration.ofMinutes(1);

  private static PipelineSpec spec(String transforms, String extra) {
    return SpecParser.parse(
        """
        pipeline: p
        source:
          kafka: {bootstrap-servers: embedded, topics: [t]%s}
        sink:
          test: {table: a.orders}
        schema:
          fields:
            - {name: event_id, type: long}
            - {name: category, type: string}
            - {name: event_time, type: timestamp}
        event-time: {field: event_time, max-out-of-orderness: 5s}
        transforms:
        %s
        """
            .formatted(extra, transforms.indent(2)));
  }

  private static Instant at(String time) {
    return Instant.parse("2026-12-01T" + time + "Z");
  }

  @Test
  void tumblingWindowsOverlappingTheRangeAreRecomputedWhole() {
    BackfillPlan plan =
        BackfillPlan.of(
            spec(
                """
                - window: {type: tumbling, size: 5m, group-by: [category], allowed-lateness: 2m,
                    aggregates: {n: "count(*)"}}
                """,
                ""),
            T1,
            T2,
            SKEW);
    // windows 10:05-10:10 ... 10:15-10:20 overlap [10:07:30, 10:20)
    assertThat(plan.replaced())
        .isEqualTo(new RowRange("window_start", at("10:05:00"), at("10:20:00")));
    assertThat(plan.readFrom()).isEqualTo(at("10:03:55"));
    // the last window ends at 10:20 and takes corrections for 2m; out-of-orderness and skew on top
    assertThat(plan.readTo()).isEqualTo(at("10:23:05"));
    assertThat(plan.settled()).isEqualTo(at("10:22:00"));
    assertThat(plan.key()).containsExactly("window_start", "window_end", "category");
  }

  @Test
  void slidingWindowsStartOneSizeBeforeTheRangeAndADedupeWarmsUpForItsTtl() {
    BackfillPlan plan =
        BackfillPlan.of(
            spec(
                """
                - dedupe: {key: [event_id], ttl: 10m}
                - window: {type: sliding, size: 10m, slide: 5m, group-by: [category],
                    aggregates: {n: "count(*)"}}
                """,
                ""),
            T1,
            T2,
            SKEW);
    // windows starting 10:00 (ends 10:10, after 10:07:30) up to 10:15 (starts before 10:20)
    assertThat(plan.replaced())
        .isEqualTo(new RowRange("window_start", at("10:00:00"), at("10:20:00")));
    assertThat(plan.readFrom()).isEqualTo(at("09:48:55"));
    assertThat(plan.readTo()).isEqualTo(at("10:26:05"));
  }

  @Test
  void anAppendTableIsReplacedByItsEventTime() {
    BackfillPlan plan = BackfillPlan.of(spec("- filter: \"event_id > 0\"", ""), T1, T2, SKEW);
    assertThat(plan.replaced()).isEqualTo(new RowRange("event_time", T1, T2));
    assertThat(plan.readFrom()).isEqualTo(T1.minus(SKEW).minusSeconds(5));
    assertThat(plan.readTo()).isEqualTo(T2.plus(SKEW).plusSeconds(5));
    assertThat(plan.key()).isEmpty();
  }

  @Test
  void refusesWhatARangeCannotReplace() {
    for (String transforms :
        List.of(
            "- window: {type: session, gap: 5m, group-by: [category], aggregates: {n: \"count(*)\"}}",
            "- dedupe: {key: [event_id], ttl: 1h, keep: last}")) {
      assertThatThrownBy(() -> BackfillPlan.of(spec(transforms, ""), T1, T2, SKEW))
          .as(transforms)
          .isInstanceOf(PipelineException.class)
          .hasMessageContaining("instead");
    }
    assertThatThrownBy(() -> BackfillPlan.of(spec("- filter: \"event_id > 0\"", ""), T2, T1, SKEW))
        .hasMessageContaining("must be before");
  }
}
