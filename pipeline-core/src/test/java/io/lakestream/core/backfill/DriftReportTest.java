package io.lakestream.core.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.core.sink.RowRange;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DriftReportTest {
  private static final RowRange RANGE =
      new RowRange(
          "window_start",
          Instant.parse("2026-12-01T00:00:00Z"),
          Instant.parse("2026-12-02T00:00:00Z"));

  private static Map<String, Object> row(String category, long n, double total) {
    return Map.of("window_start", RANGE.from(), "category", category, "n", n, "total", total);
  }

  private static DriftReport compare(
      List<String> key, List<Map<String, Object>> live, List<Map<String, Object>> recomputed) {
    DriftReport.Comparison c = new DriftReport.Comparison(RANGE, key);
    live.forEach(c::main);
    recomputed.forEach(c::branch);
    return c.report();
  }

  @Test
  void keepsOnlyTheLargestDifferences() {
    List<Map<String, Object>> live = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      live.add(row("c" + i, i, 0.0));
    }
    DriftReport report = compare(List.of("window_start", "category"), live, List.of());

    assertThat(report.onlyMain()).isEqualTo(50);
    assertThat(report.largest())
        .extracting(DriftReport.Delta::delta)
        .containsExactly(-49.0, -48.0, -47.0, -46.0, -45.0, -44.0, -43.0, -42.0, -41.0, -40.0);
  }

  @Test
  void countsKeysOnEachSideAndRanksTheLargestDifferences() {
    List<Map<String, Object>> live =
        List.of(row("books", 10, 100.0), row("games", 5, 50.0), row("tools", 1, 1.0));
    List<Map<String, Object>> recomputed =
        List.of(row("books", 10, 100.0), row("games", 7, 20.0), row("toys", 3, 4.0));

    DriftReport report = compare(List.of("window_start", "category"), live, recomputed);

    assertThat(report.mainRows()).isEqualTo(3);
    assertThat(report.branchRows()).isEqualTo(3);
    assertThat(report.changed()).isEqualTo(1);
    assertThat(report.onlyMain()).isEqualTo(1);
    assertThat(report.onlyBranch()).isEqualTo(1);
    assertThat(report.unchanged()).isFalse();
    assertThat(report.largest())
        .extracting(d -> d.key().get("category") + "." + d.column() + "=" + d.delta())
        .containsExactlyInAnyOrder(
            "games.total=-30.0",
            "toys.total=4.0",
            "toys.n=3.0",
            "games.n=2.0",
            "tools.n=-1.0",
            "tools.total=-1.0");
    assertThat(report.largest().get(0).delta()).isEqualTo(-30.0);
  }

  @Test
  void floatingPointSumsThatDifferOnlyByRoundingAreNotDrift() {
    double ordered = 0.1 + 0.2 + 0.3;
    double reordered = 0.3 + 0.2 + 0.1;
    assertThat(ordered).isNotEqualTo(reordered);

    DriftReport report =
        compare(
            List.of("window_start", "category"),
            List.of(row("books", 3, ordered)),
            List.of(row("books", 3, reordered)));

    assertThat(report.unchanged()).isTrue();
    assertThat(
            compare(
                    List.of("window_start", "category"),
                    List.of(row("books", 3, 0.6)),
                    List.of(row("books", 3, 0.6001)))
                .changed())
        .isEqualTo(1);
  }

  @Test
  void withoutAKeyRowsAreMatchedWholeWithTheirRepeats() {
    List<Map<String, Object>> live = List.of(row("books", 1, 1.0), row("books", 1, 1.0));
    List<Map<String, Object>> recomputed = List.of(row("books", 1, 1.0));

    DriftReport report = compare(List.of(), live, recomputed);

    assertThat(report.onlyMain()).isEqualTo(1);
    assertThat(report.onlyBranch()).isZero();
    assertThat(compare(List.of(), live, live).unchanged()).isTrue();
  }
}
