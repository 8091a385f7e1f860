package io.lakestream.it;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A real S3-compatible server: S3Proxy with its file system backend, on 127.0.0.1 on a free port,
 * as a child JVM of this one. It checks AWS signatures (v2 and v4) against {@link #ACCESS_KEY} and
 * {@link #SECRET_KEY}, so a client without credentials fails as it would on S3.
 *
 * <p>The server is S3Proxy's self-contained jar from Maven Central, which the build copies to
 * {@code lakestream.it.s3proxy.jar}; it runs on this JVM's Java from that jar alone, so its own
 * libraries never meet ours. Objects are files below its run directory in {@code
 * lakestream.it.s3proxy.home}, kept after the run with its log. {@link #close()} stops it by its
 * process id (SIGTERM, then SIGKILL); a shutdown hook does the same if nobody calls it.
 */
final class S3Server implements AutoCloseable {
  static final String ACCESS_KEY = "lakestream-it";
  static final String SECRET_KEY = "lakestream-it-secret";

  /** S3Proxy accepts any region; clients must still name one to sign requests. */
  static final String REGION = "us-east-1";

  private static final Duration START_TIMEOUT = Duration.ofMinutes(1);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);
  private static final int START_ATTEMPTS = 3;

  private final Process process;
  private final int port;
  private final Path log;
  private final Thread shutdownHook;

  private S3Server(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
    this.shutdownHook = new Thread(this::close, "s3-server-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * Starts the server and returns once it answers HTTP.
   *
   * @throws IOException if the jar is missing or the server does not come up (the message has the
   *     tail of its log)
   */
  static S3Server start() throws IOException, InterruptedException {
    Path jar = Path.of(property("lakestream.it.s3proxy.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new IOException(
          jar
              + " is missing: run the tests through Maven (mvn verify), whose"
              + " generate-test-resources phase copies S3Proxy there");
    }
    Path runDir =
        Path.of(property("lakestream.it.s3proxy.home"), "run-" + System.currentTimeMillis());
    for (int attempt = 1; ; attempt++) {
      int port = freePort();
      Path dir = runDir.resolve("attempt-" + attempt);
      Files.createDirectories(dir.resolve("data"));
      Path properties = dir.resolve("s3proxy.properties");
      Files.writeString(
          properties,
          String.join(
              "\n",
              "s3proxy.endpoint=http://127.0.0.1:" + port,
              "s3proxy.authorization=aws-v2-or-v4",
              "s3proxy.identity=" + ACCESS_KEY,
              "s3proxy.credential=" + SECRET_KEY,
              "jclouds.provider=filesystem-nio2",
              "jclouds.filesystem.basedir=" + dir.resolve("data").toAbsolutePath(),
              ""));
      Path log = dir.resolve("server.log");
      Process process =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-Xmx256m",
                  "-XX:TieredStopAtLevel=1",
                  "-jar",
                  jar.toString(),
                  "--properties",
                  properties.toString())
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      try {
        awaitReady(process, port, log);
        return new S3Server(process, port, log);
      } catch (IOException e) {
        stop(process);
        // Another process may take the port between freePort() and the server binding it.
        if (attempt == START_ATTEMPTS || !tail(log).contains("Address already in use")) {
          throw e;
        }
      }
    }
  }

  /** The server's URL, for {@code s3.endpoint}. */
  String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  /**
   * The catalog properties that reach this server, credentials included: for a spec's catalog
   * section or Iceberg's own catalogs.
   */
  Map<String, String> clientProperties() {
    return Map.of(
        "s3.endpoint", endpoint(),
        "s3.path-style-access", "true",
        "client.region", REGION,
        "s3.access-key-id", ACCESS_KEY,
        "s3.secret-access-key", SECRET_KEY);
  }

  /**
   * A spec's {@code checkpoint} line (500 ms interval) that keeps checkpoints and state below
   * {@code s3://bucket/checkpoints} on this server, with {@code localDir} as the working copy.
   */
  String checkpointSection(String bucket, Path localDir) {
    return "checkpoint: {interval: 500ms, dir: \"s3://"
        + bucket
        + "/checkpoints\", local-dir: \""
        + localDir
        + "\", storage: {"
        + clientProperties().entrySet().stream()
            .map(e -> e.getKey() + ": \"" + e.getValue() + "\"")
            .sorted()
            .collect(Collectors.joining(", "))
        + "}}";
  }

  /** A client of this server; the caller closes it. */
  S3Client client() {
    return S3Client.builder()
        .endpointOverride(URI.create(endpoint()))
        .forcePathStyle(true)
        .region(Region.of(REGION))
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
        .httpClientBuilder(Apache5HttpClient.builder())
        .build();
  }

  /** Creates bucket {@code name}; tests each take a bucket of their own. */
  void createBucket(String name) {
    try (S3Client s3 = client()) {
      s3.createBucket(b -> b.bucket(name));
    }
  }

  /** The keys of the objects in {@code bucket} below {@code prefix}, sorted. */
  List<String> keys(String bucket, String prefix) {
    try (S3Client s3 = client()) {
      return s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents().stream()
          .map(S3Object::key)
          .sorted()
          .toList();
    }
  }

  /** Stops the server by its process id. Idempotent. */
  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // Called from the hook itself.
    }
    try {
      stop(process);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The end of the server's log, for failure messages. */
  String logTail() {
    return tail(log);
  }

  private static void stop(Process process) throws InterruptedException {
    if (!process.isAlive()) {
      return;
    }
    ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroy);
    if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }
  }

  /** Polls the endpoint until it answers at all: without credentials it answers 403. */
  private static void awaitReady(Process process, int port, Path log) throws IOException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest root =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
            .timeout(Duration.ofSeconds(5))
            .build();
    try {
      await()
          .atMost(START_TIMEOUT)
          .pollInterval(Duration.ofMillis(200))
          .ignoreExceptions()
          .failFast("the S3 server exited", () -> !process.isAlive())
          .until(() -> http.send(root, HttpResponse.BodyHandlers.discarding()).statusCode() > 0);
    } catch (ConditionTimeoutException | org.awaitility.core.TerminalFailureException e) {
      throw new IOException(
          "The S3 server did not start on port " + port + ": " + e.getMessage() + "\n" + tail(log),
          e);
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private static String property(String name) throws IOException {
    String value = System.getProperty(name);
    if (value == null || value.isBlank()) {
      throw new IOException(
          "System property " + name + " is not set: run the tests through Maven (mvn verify)");
    }
    return value;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
