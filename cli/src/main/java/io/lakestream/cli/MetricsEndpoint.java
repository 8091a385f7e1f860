package io.lakestream.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.lakestream.core.error.PipelineException;
import io.lakestream.core.runtime.Metric;
import io.lakestream.core.runtime.Metrics;
import io.lakestream.core.runtime.Pipeline;
import io.lakestream.core.runtime.PipelineState;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Quantiles;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP endpoint of a running pipeline, on every interface of the process:
 *
 * <ul>
 *   <li>{@code /metrics}: the pipeline's metrics ({@link Metrics}) and the JVM's, in the Prometheus
 *       text format, read when scraped;
 *   <li>{@code /health}: 200 while the process works and the pipeline has not failed (liveness);
 *   <li>{@code /ready}: 200 while the pipeline runs and checkpoints on time, else 503; the body
 *       says why ({@link Pipeline#readiness()}).
 * </ul>
 *
 * One thread answers, so scrapes never compete with each other for the source's lag.
 */
final class MetricsEndpoint implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MetricsEndpoint.class);

  private final HttpServer server;
  private final ExecutorService executor;

  private MetricsEndpoint(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Serves {@code pipeline}'s metrics, health and readiness on {@code port}.
   *
   * @throws PipelineException if the port cannot be bound
   */
  static MetricsEndpoint start(int port, Pipeline pipeline) {
    PrometheusRegistry registry = new PrometheusRegistry();
    JvmMetrics.builder().register(registry);
    registry.register((MultiCollector) () -> snapshots(pipeline.samples()));
    PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(port), 0);
    } catch (IOException e) {
      throw new PipelineException(
          "Cannot serve metrics on port "
              + port
              + ": "
              + e.getMessage()
              + ". Choose a free port with metrics.port or --metrics-port.",
          e);
    }
    server.createContext(
        "/metrics",
        exchange -> {
          ByteArrayOutputStream body = new ByteArrayOutputStream();
          writer.write(body, registry.scrape());
          respond(exchange, 200, writer.getContentType(), body.toByteArray());
        });
    server.createContext(
        "/health",
        exchange -> {
          boolean failed = pipeline.state() == PipelineState.FAILED;
          text(exchange, failed ? 503 : 200, failed ? "failed\n" : "live\n");
        });
    server.createContext(
        "/ready",
        exchange -> {
          Pipeline.Readiness r = pipeline.readiness();
          text(
              exchange,
              r.ready() ? 200 : 503,
              (r.ready() ? "ready: " : "not ready: ") + r.reason() + "\n");
        });
    ExecutorService executor =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "lakestream-metrics");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.start();
    LOG.info("Serving /metrics, /health and /ready on port {}", server.getAddress().getPort());
    return new MetricsEndpoint(server, executor);
  }

  /** The samples as Prometheus snapshots, one per metric, in the order of {@link Metrics#ALL}. */
  static MetricSnapshots snapshots(List<Metric.Sample> samples) {
    Map<Metric, List<Metric.Sample>> byMetric = new LinkedHashMap<>();
    Metrics.ALL.forEach(m -> byMetric.put(m, new ArrayList<>()));
    samples.forEach(s -> byMetric.get(s.metric()).add(s));
    List<MetricSnapshot> result = new ArrayList<>();
    byMetric.forEach(
        (metric, values) -> {
          if (!values.isEmpty()) {
            result.add(snapshot(metric, values));
          }
        });
    return new MetricSnapshots(result);
  }

  private static MetricSnapshot snapshot(Metric metric, List<Metric.Sample> values) {
    switch (metric.type()) {
      case COUNTER -> {
        CounterSnapshot.Builder b =
            CounterSnapshot.builder().name(metric.name()).help(metric.help());
        for (Metric.Sample s : values) {
          b.dataPoint(
              CounterSnapshot.CounterDataPointSnapshot.builder()
                  .labels(labels(s))
                  .value(s.value())
                  .build());
        }
        return b.build();
      }
      case GAUGE -> {
        GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(metric.name()).help(metric.help());
        for (Metric.Sample s : values) {
          b.dataPoint(
              GaugeSnapshot.GaugeDataPointSnapshot.builder()
                  .labels(labels(s))
                  .value(s.value())
                  .build());
        }
        return b.build();
      }
      case SUMMARY -> {
        SummarySnapshot.Builder b =
            SummarySnapshot.builder().name(metric.name()).help(metric.help());
        for (Metric.Sample s : values) {
          b.dataPoint(
              SummarySnapshot.SummaryDataPointSnapshot.builder()
                  .labels(labels(s))
                  .quantiles(Quantiles.EMPTY)
                  .count(s.count())
                  .sum(s.value())
                  .build());
        }
        return b.build();
      }
      default -> throw new IllegalArgumentException("Unknown metric type " + metric.type());
    }
  }

  private static Labels labels(Metric.Sample s) {
    return Labels.of(s.metric().labels(), s.labelValues());
  }

  private static void text(HttpExchange exchange, int status, String body) throws IOException {
    respond(exchange, status, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
  }

  private static void respond(HttpExchange exchange, int status, String contentType, byte[] body)
      throws IOException {
    try (exchange) {
      exchange.getResponseHeaders().set("Content-Type", contentType);
      boolean head = "HEAD".equals(exchange.getRequestMethod());
      exchange.sendResponseHeaders(status, head ? -1 : body.length);
      if (!head) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
