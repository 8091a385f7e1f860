package io.lakestream.core.runtime;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;

/**
 * The spans a pipeline makes, through OpenTelemetry's API: a {@code checkpoint} span per checkpoint
 * the loop takes, and inside it a {@code commit} span per table commit attempt. They cost nothing
 * and go nowhere unless the process registers an OpenTelemetry SDK before the pipeline runs (the
 * CLI does when an OTLP endpoint is configured). Attribute names are stable like metric names.
 */
final class Tracing {
  private Tracing() {}

  static final AttributeKey<String> PIPELINE = AttributeKey.stringKey("lakestream.pipeline");
  static final AttributeKey<Long> CHECKPOINT_ID = AttributeKey.longKey("lakestream.checkpoint.id");
  static final AttributeKey<Boolean> COMMITTED = AttributeKey.booleanKey("lakestream.committed");
  static final AttributeKey<String> TABLE = AttributeKey.stringKey("lakestream.table");
  static final AttributeKey<Long> RECORDS = AttributeKey.longKey("lakestream.records");
  static final AttributeKey<Long> FILES = AttributeKey.longKey("lakestream.files");
  static final AttributeKey<Long> BYTES = AttributeKey.longKey("lakestream.bytes");

  /** The tracer of the registered SDK, or a no-op one. */
  static Tracer tracer() {
    return GlobalOpenTelemetry.getTracer("io.lakestream");
  }

  /** Marks {@code span} as failed by {@code e}. */
  static void failed(Span span, Throwable e) {
    span.recordException(e);
    span.setStatus(StatusCode.ERROR, String.valueOf(e.getMessage()));
  }
}
