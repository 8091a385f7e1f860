package io.lakestream.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The metric declarations are usable as Prometheus names, and the documentation built on them is
 * the one they render: the metric list of docs/operations.md, and the names the example alert rules
 * and dashboard query.
 */
class MetricsTest {
  /** Tests run in pipeline-core/; the docs live in the repository root. */
  private static final Path DOCS = Path.of("..", "docs");

  private static final Pattern NAME = Pattern.compile("lakestream_[a-z_]+");

  @Test
  void namesAreUniqueValidPrometheusNamesOfLakestream() {
    Set<String> seen = new HashSet<>();
    for (Metric m : Metrics.ALL) {
      assertThat(m.name()).matches("lakestream_[a-z][a-z_]*[a-z]").doesNotEndWith("_total");
      assertThat(m.labels()).startsWith("pipeline", "writer");
      for (String exposed : m.exposedNames()) {
        assertThat(seen.add(exposed)).as("%s is declared twice", exposed).isTrue();
      }
    }
  }

  @Test
  void committedMetricListIsUpToDate() throws Exception {
    String doc = Files.readString(DOCS.resolve("operations.md"), StandardCharsets.UTF_8);

    assertThat(doc)
        .as(
            "the metric list of docs/operations.md is out of date; regenerate it from the"
                + " repository root: mvn -pl pipeline-core compile, then java -cp"
                + " pipeline-core/target/classes io.lakestream.core.runtime.Metrics"
                + " docs/operations.md")
        .isEqualTo(Metrics.withMetricList(doc))
        .contains("| `lakestream_records_in_total` | counter | pipeline, writer | ");
  }

  @Test
  void alertRulesAndDashboardQueryOnlyDeclaredNames() throws Exception {
    Set<String> declared = new HashSet<>();
    Metrics.ALL.forEach(m -> declared.addAll(m.exposedNames()));
    for (String file : List.of("monitoring/alerts.yaml", "monitoring/grafana-dashboard.json")) {
      String text = Files.readString(DOCS.resolve(file), StandardCharsets.UTF_8);
      Set<String> used = new HashSet<>();
      Matcher m = NAME.matcher(text);
      while (m.find()) {
        used.add(m.group());
      }
      assertThat(used).as(file).isNotEmpty();
      assertThat(declared).as(file).containsAll(used);
    }
  }
}
