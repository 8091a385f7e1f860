package io.lakestream.it;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A real Iceberg REST catalog server: Apache Iceberg's REST catalog fixture from Maven Central
 * ({@code iceberg-open-api}, the runnable jar the build copies to {@code
 * lakestream.it.rest-catalog.jar}), serving a JDBC catalog on a SQLite file, as a child JVM on
 * 127.0.0.1 ({@link RestCatalogLauncher}). Table files go to the server's warehouse; clients reach
 * the catalog only over HTTP. One server serves the run ({@link SharedRestCatalog}): tests that use
 * it need tables of their own names.
 *
 * <p>{@link #close()} sends SIGTERM to the server's process id, then SIGKILL if it is still alive
 * after {@link #STOP_TIMEOUT}; a shutdown hook does the same if nobody calls it. Its output is
 * {@code server.log} in its directory.
 */
final class RestCatalogServer implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofMinutes(1);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

  private final Process process;
  private final int port;
  private final Path warehouse;
  private final Path log;
  private final Thread shutdownHook;

  private RestCatalogServer(Process process, int port, Path warehouse, Path log) {
    this.process = process;
    this.port = port;
    this.warehouse = warehouse;
    this.log = log;
    this.shutdownHook = new Thread(this::close, "rest-catalog-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * Starts a server and returns once it answers {@code GET /v1/config}. Its warehouse, catalog
   * database and log go to a new directory next to the fixture jar, kept after the run.
   *
   * @throws IOException if the fixture jar is missing or the server does not come up (the message
   *     has its output)
   */
  static RestCatalogServer start() throws IOException {
    Path jar = Path.of(System.getProperty("lakestream.it.rest-catalog.jar", "(unset)"));
    if (!Files.isRegularFile(jar)) {
      throw new IOException(
          "No Iceberg REST catalog fixture at "
              + jar
              + " (lakestream.it.rest-catalog.jar): run the tests through Maven, which copies it");
    }
    Path dir = Files.createDirectories(jar.resolveSibling("run-" + System.currentTimeMillis()));
    Path warehouse = Files.createDirectories(dir.resolve("warehouse"));
    Path log = dir.resolve("server.log");
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx256m",
            "-XX:TieredStopAtLevel=1",
            "-cp",
            jar + File.pathSeparator + testClasses(),
            RestCatalogLauncher.class.getName(),
            warehouse.toUri().toString(),
            dir.resolve("catalog.db").toString());
    Process process =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    try {
      int port = awaitListening(process, log);
      awaitConfig(port);
      return new RestCatalogServer(process, port, warehouse, log);
    } catch (IOException | RuntimeException e) {
      stop(process);
      throw new IOException(
          "The Iceberg REST catalog server did not come up: " + e.getMessage() + "\n" + tail(log),
          e);
    }
  }

  /** The catalog's URI, as a spec's {@code catalog.uri} gives it. */
  String uri() {
    return "http://127.0.0.1:" + port;
  }

  /** Where the server puts table files. */
  Path warehouse() {
    return warehouse;
  }

  /** A spec's {@code catalog} section for this server: {@code type: rest} and its {@code uri}. */
  Map<String, String> catalogSection() {
    return Map.of("type", "rest", "uri", uri());
  }

  /** The last lines of the server's output, for failure messages. */
  String logTail() {
    return tail(log);
  }

  /** Stops the server by its process id. Idempotent. */
  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // Called from the hook itself.
    }
    stop(process);
  }

  private static void stop(Process process) {
    if (!process.isAlive()) {
      return;
    }
    try {
      process.destroy();
      if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** This module's compiled test classes, where {@link RestCatalogLauncher} is. */
  private static Path testClasses() throws IOException {
    try {
      return Path.of(
          RestCatalogLauncher.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IOException("Cannot locate the test classes", e);
    }
  }

  private static int awaitListening(Process process, Path log) throws IOException {
    int[] port = new int[1];
    try {
      await()
          .atMost(START_TIMEOUT)
          .pollInterval(Duration.ofMillis(100))
          .failFast("the server exited with code " + exitCode(process), () -> !process.isAlive())
          .until(
              () ->
                  Files.readAllLines(log).stream()
                      .filter(l -> l.startsWith(RestCatalogLauncher.LISTENING))
                      .findFirst()
                      .map(
                          l ->
                              port[0] =
                                  Integer.parseInt(
                                      l.substring(RestCatalogLauncher.LISTENING.length()).trim()))
                      .isPresent());
    } catch (ConditionTimeoutException e) {
      throw new IOException("no port announced within " + START_TIMEOUT, e);
    }
    return port[0];
  }

  private static String exitCode(Process process) {
    return process.isAlive() ? "(running)" : Integer.toString(process.exitValue());
  }

  /** The server is up once its configuration endpoint answers. */
  private static void awaitConfig(int port) throws IOException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest config =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/config"))
            .timeout(Duration.ofSeconds(5))
            .build();
    try {
      HttpResponse<String> r = http.send(config, HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IOException("GET /v1/config answered " + r.statusCode() + ": " + r.body());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("Interrupted while asking the server for its configuration", e);
    }
  }

  private static String tail(Path file) {
    try {
      List<String> lines = Files.readAllLines(file);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no output: " + e + ")";
    }
  }
}
