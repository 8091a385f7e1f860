package io.lakestream.cli;

import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the pipeline's checkpoint and commit spans over OTLP, configured the standard way: tracing
 * is on when an OTLP endpoint is set ({@code OTEL_EXPORTER_OTLP_ENDPOINT} or {@code
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT}, or their system properties {@code
 * -Dotel.exporter.otlp.endpoint} / {@code -Dotel.exporter.otlp.traces.endpoint}), and off
 * otherwise. Every other {@code OTEL_*} variable (headers, timeout, sampler, resource attributes,
 * batch delay, {@code OTEL_SDK_DISABLED}) means what the OpenTelemetry SDK documents. Defaults that
 * differ from the SDK's: protocol {@code http/protobuf} (the only one the bundled JDK sender
 * speaks), service name {@code lakestream}, and no metric or log export (metrics are scraped from
 * {@code /metrics}).
 */
final class OtlpTracing implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OtlpTracing.class);

  private static final List<String> ENDPOINTS =
      List.of("otel.exporter.otlp.endpoint", "otel.exporter.otlp.traces.endpoint");

  private final OpenTelemetrySdk sdk;

  private OtlpTracing(OpenTelemetrySdk sdk) {
    this.sdk = sdk;
  }

  /**
   * Registers an SDK exporting spans over OTLP as the process's OpenTelemetry when {@code env} or
   * {@code properties} set an endpoint; null when they do not (spans are then no-ops).
   */
  static OtlpTracing start(Map<String, String> env, Properties properties) {
    String endpoint = null;
    for (String key : ENDPOINTS) {
      String fromEnv = env.get(key.toUpperCase(Locale.ROOT).replace('.', '_'));
      String value = properties.getProperty(key, fromEnv);
      if (value != null && !value.isBlank() && endpoint == null) {
        endpoint = value;
      }
    }
    if (endpoint == null) {
      return null;
    }
    OpenTelemetrySdk sdk =
        AutoConfiguredOpenTelemetrySdk.builder()
            .addPropertiesSupplier(
                () ->
                    Map.of(
                        "otel.exporter.otlp.protocol", "http/protobuf",
                        "otel.service.name", "lakestream",
                        "otel.metrics.exporter", "none",
                        "otel.logs.exporter", "none"))
            .setResultAsGlobal()
            .build()
            .getOpenTelemetrySdk();
    LOG.info("Sending checkpoint and commit spans over OTLP to {}", endpoint);
    return new OtlpTracing(sdk);
  }

  /** Sends the spans not sent yet, then stops. */
  @Override
  public void close() {
    sdk.close();
  }
}
