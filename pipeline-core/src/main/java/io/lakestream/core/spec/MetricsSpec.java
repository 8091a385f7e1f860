package io.lakestream.core.spec;

/**
 * The {@code metrics} section: where a running pipeline serves its metrics, health and readiness.
 *
 * @param port the HTTP port of {@code /metrics}, {@code /health} and {@code /ready}, or null for no
 *     endpoint
 * @param readyIntervals the pipeline is ready while its last checkpoint completed less than this
 *     many checkpoint intervals ago
 */
public record MetricsSpec(Integer port, int readyIntervals) {

  /** No endpoint, the default readiness. */
  public static MetricsSpec none() {
    return new MetricsSpec(null, SpecOptions.METRICS_READY_INTERVALS.defaultValue());
  }

  /** This section with another port, e.g. one given on the command line. */
  public MetricsSpec withPort(Integer newPort) {
    return new MetricsSpec(newPort, readyIntervals);
  }
}
