package io.lakestream.it;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An OTLP/HTTP trace receiver on a free loopback port: decodes every {@code POST /v1/traces} body
 * as an {@code ExportTraceServiceRequest} (protobuf) and keeps its spans.
 */
final class OtlpReceiver implements AutoCloseable {
  private final HttpServer server;
  private final List<Span> spans = new ArrayList<>();
  private final List<Throwable> failures = new CopyOnWriteArrayList<>();

  OtlpReceiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/v1/traces",
        exchange -> {
          try (exchange) {
            ExportTraceServiceRequest request;
            try {
              request =
                  ExportTraceServiceRequest.parseFrom(exchange.getRequestBody().readAllBytes());
            } catch (IOException | RuntimeException | LinkageError e) {
              failures.add(e);
              exchange.sendResponseHeaders(400, -1);
              return;
            }
            synchronized (spans) {
              for (ResourceSpans r : request.getResourceSpansList()) {
                for (ScopeSpans s : r.getScopeSpansList()) {
                  spans.addAll(s.getSpansList());
                }
              }
            }
            byte[] body = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
            exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(body);
            }
          }
        });
    server.start();
  }

  /** The base URL to give an exporter as {@code OTEL_EXPORTER_OTLP_ENDPOINT}. */
  String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** The spans received so far, in the order they arrived. */
  List<Span> spans() {
    synchronized (spans) {
      return List.copyOf(spans);
    }
  }

  /** Why requests could not be decoded; empty when all could. */
  List<Throwable> failures() {
    return List.copyOf(failures);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
