package io.lakestream.it;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A real Trino server with the Iceberg and Hudi connectors, a single node on 127.0.0.1 on a free
 * port, as a child process of this JVM. Catalogs are added while it runs ({@link #createCatalog}),
 * so one server serves every test of a run ({@link SharedTrino}).
 *
 * <p>The server comes from Maven Central: the build copies {@code trino-server-core} (tarball),
 * {@code trino-iceberg} (plugin zip), {@code sqlite-jdbc} and the full {@code trino-server} tarball
 * (the only place the Hudi plugin is published) to {@code lakestream.it.trino.dist}; the first
 * start of a build unpacks them to {@code lakestream.it.trino.home} with GNU tar, since the
 * tarballs have hard links. Trino {@value #MIN_JAVA} and later needs a JDK of at least that
 * version: {@code $TRINO_JAVA_HOME}, else the newest such JDK under {@code /usr/lib/jvm}.
 *
 * <p>{@link #close()} sends SIGTERM to the server's process id (the launcher execs the JVM, so it
 * is the server itself), then SIGKILL if it is still alive after {@link #STOP_TIMEOUT}; a shutdown
 * hook does the same if nobody calls it. Its log is {@code server.log} in its run directory.
 */
final class TrinoServer implements AutoCloseable {
  /** The Java version Trino 476 checks for. */
  static final String MIN_JAVA = "24.0.1";

  /** The user queries run as; the server has no authentication. */
  static final String USER = "lakestream-it";

  /**
   * The environment variable that catalog files of {@code lakestream trino-catalog} read a database
   * password from ({@code ${ENV:...}}); the server has it, holding {@link PostgresServer#PASSWORD},
   * as a deployment would have the real one.
   */
  static final String PASSWORD_ENV = "LAKESTREAM_CATALOG_PASSWORD";

  private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);
  private static final int START_ATTEMPTS = 3;

  private final Process process;
  private final int port;
  private final Path log;
  private final Duration startup;
  private final Thread shutdownHook;

  private TrinoServer(Process process, int port, Path log, Duration startup) {
    this.process = process;
    this.port = port;
    this.log = log;
    this.startup = startup;
    this.shutdownHook = new Thread(this::close, "trino-server-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * Unpacks the server if this build has not yet, starts it with a heap of {@code maxHeap} and
   * returns once it accepts queries.
   *
   * <p>The server's configuration, data and log go to a new directory next to the unpacked server,
   * kept after the run for its log.
   *
   * @throws IOException if no suitable JDK or server distribution is found, or the server does not
   *     come up (the message has the tail of its log)
   */
  static TrinoServer start(String maxHeap) throws IOException, InterruptedException {
    Path javaHome = javaHome(System.getenv("TRINO_JAVA_HOME"), Path.of("/usr/lib/jvm"));
    Path home = unpacked();
    Path runDir =
        Path.of(
            property("lakestream.it.trino.home") + "-runs", "run-" + System.currentTimeMillis());
    for (int attempt = 1; ; attempt++) {
      int port = freePort();
      Path dir = runDir.resolve("attempt-" + attempt);
      Path etc = configure(dir, port, maxHeap);
      Path log = dir.resolve("server.log");
      long began = System.nanoTime();
      ProcessBuilder builder =
          new ProcessBuilder(
                  home.resolve("bin/launcher").toString(),
                  "run",
                  "--etc-dir",
                  etc.toString(),
                  "--jvm-dir",
                  javaHome.toString())
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile());
      builder.environment().put(PASSWORD_ENV, PostgresServer.PASSWORD);
      Process process = builder.start();
      try {
        awaitReady(process, port, log);
        return new TrinoServer(process, port, log, Duration.ofNanos(System.nanoTime() - began));
      } catch (IOException e) {
        stop(process);
        // Another process may take the port between freePort() and Trino binding it.
        if (attempt == START_ATTEMPTS || !tail(log).contains("Address already in use")) {
          throw e;
        }
      }
    }
  }

  /** How long the last start took, from launching the process to ready. */
  Duration startup() {
    return startup;
  }

  /** The JDBC URL of the server, without catalog or schema. */
  String jdbcUrl() {
    return "jdbc:trino://127.0.0.1:" + port;
  }

  /** A new connection as {@link #USER}. */
  Connection connect() throws SQLException {
    return DriverManager.getConnection(jdbcUrl(), USER, null);
  }

  /**
   * Adds a catalog from a catalog properties file, as Trino's {@code etc/catalog/NAME.properties}
   * would, with {@code CREATE CATALOG}. Values may use Trino's {@code ${ENV:VAR}} form.
   */
  void createCatalog(String name, Path propertiesFile) throws IOException, SQLException {
    Properties props = new Properties();
    try (Reader in = Files.newBufferedReader(propertiesFile)) {
      props.load(in);
    }
    Map<String, String> sorted = new TreeMap<>();
    props.stringPropertyNames().forEach(k -> sorted.put(k, props.getProperty(k)));
    String connector = sorted.remove("connector.name");
    if (connector == null) {
      throw new IOException(propertiesFile + " has no connector.name");
    }
    String with =
        sorted.entrySet().stream()
            .map(e -> "\"" + e.getKey() + "\" = '" + e.getValue().replace("'", "''") + "'")
            .collect(Collectors.joining(", "));
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      // execute(): the driver's executeQuery() rejects statements that return no rows
      s.execute("CREATE CATALOG " + name + " USING " + connector + " WITH (" + with + ")");
    }
  }

  /**
   * Adds catalog {@code name} the way a user would: {@code lakestream trino-catalog --spec SPEC},
   * run in a child JVM, writes {@code <dir>/<name>.properties}, which {@link #createCatalog} loads.
   *
   * @return the catalog file
   * @throws IOException if the command fails (the message has its output)
   */
  Path createCatalogFor(Path spec, String name, Path dir)
      throws IOException, SQLException, InterruptedException {
    Path file = dir.resolve(name + ".properties");
    try (PipelineProcess print =
        PipelineProcess.start(
            dir.resolve("logs"),
            List.of(),
            "trino-catalog",
            "--spec",
            spec.toString(),
            "--name",
            name,
            "--output",
            file.toString())) {
      if (print.waitFor(Duration.ofMinutes(1)) != 0) {
        throw new IOException("lakestream trino-catalog failed:\n" + print.tail());
      }
    }
    createCatalog(name, file);
    return file;
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

  /** The server's log, for failure messages. */
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

  private static Path configure(Path dir, int port, String maxHeap) throws IOException {
    Path etc = dir.resolve("etc");
    Files.createDirectories(etc.resolve("catalog"));
    Files.writeString(
        etc.resolve("node.properties"),
        lines(
            "node.environment=lakestream_it",
            "node.id=lakestream-it-" + port,
            "node.data-dir=" + dir.resolve("data").toAbsolutePath(),
            "node.bind-ip=127.0.0.1",
            "node.internal-address=127.0.0.1"));
    Files.writeString(
        etc.resolve("config.properties"),
        lines(
            "coordinator=true",
            "node-scheduler.include-coordinator=true",
            "http-server.http.port=" + port,
            "discovery.uri=http://127.0.0.1:" + port,
            "query.max-memory=512MB",
            "query.max-memory-per-node=256MB",
            "catalog.management=dynamic",
            "catalog.store=memory"));
    Files.writeString(
        etc.resolve("jvm.config"),
        lines(
            "-server",
            "-Xmx" + maxHeap,
            "-XX:+UseG1GC",
            "-XX:+ExitOnOutOfMemoryError",
            "-XX:-OmitStackTraceInFastThrow",
            "-XX:ReservedCodeCacheSize=150M",
            "-Djdk.attach.allowAttachSelf=true",
            "-Dfile.encoding=UTF-8",
            "-XX:+EnableDynamicAgentLoading"));
    Files.writeString(etc.resolve("log.properties"), lines("io.trino=WARN"));
    return etc;
  }

  private static String lines(String... lines) {
    return String.join("\n", lines) + "\n";
  }

  /**
   * The unpacked server, with the Iceberg plugin, the SQLite driver and the Hudi plugin in place;
   * unpacks it on the first call of a build. A marker file written last tells a complete install
   * from a broken one (or from one of an earlier layout, without Hudi).
   */
  private static Path unpacked() throws IOException, InterruptedException {
    String version = property("lakestream.it.trino.version");
    Path dist = Path.of(property("lakestream.it.trino.dist"));
    Path root = Path.of(property("lakestream.it.trino.home"));
    Path home = root.resolve("trino-server-core-" + version);
    Path marker = root.resolve("unpacked-" + version + "-iceberg-hudi");
    if (Files.exists(marker)) {
      return home;
    }
    Path tarball = dist.resolve("trino-server-core-" + version + ".tar.gz");
    Path plugin = dist.resolve("trino-iceberg-" + version + ".zip");
    Path full = dist.resolve("trino-server-" + version + ".tar.gz");
    for (Path p : List.of(tarball, plugin, full)) {
      if (!Files.isRegularFile(p)) {
        throw new IOException(
            p
                + " is missing: run the tests through Maven (mvn verify), whose"
                + " generate-test-resources phase copies the Trino server there");
      }
    }
    deleteRecursively(root);
    Files.createDirectories(root);
    run(List.of("tar", "-xzf", tarball.toString(), "-C", root.toString()), root);
    unzip(plugin, home.resolve("plugin"));
    Files.move(home.resolve("plugin/trino-iceberg-" + version), home.resolve("plugin/iceberg"));
    try (Stream<Path> files = Files.list(dist)) {
      for (Path jar :
          files.filter(f -> f.getFileName().toString().startsWith("sqlite-jdbc-")).toList()) {
        Files.copy(jar, home.resolve("plugin/iceberg").resolve(jar.getFileName()));
      }
    }
    hudiPlugin(full, version, root, home);
    Files.writeString(marker, version + "\n");
    return home;
  }

  /**
   * Moves {@code plugin/hudi} of the full server tarball into {@code home}. Its jars are hard links
   * to files elsewhere in the tarball (lib/, other plugins), so GNU tar unpacks all of it to a
   * scratch directory; moving the directory keeps the linked files, and the rest is deleted.
   */
  private static void hudiPlugin(Path full, String version, Path root, Path home)
      throws IOException, InterruptedException {
    Path scratch = root.resolve("full-" + version);
    Files.createDirectories(scratch);
    run(List.of("tar", "-xzf", full.toString(), "-C", scratch.toString()), root);
    Files.move(
        scratch.resolve("trino-server-" + version + "/plugin/hudi"), home.resolve("plugin/hudi"));
    deleteRecursively(scratch);
  }

  private static void unzip(Path zip, Path into) throws IOException {
    try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
      for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
        Path target = into.resolve(e.getName()).normalize();
        if (!target.startsWith(into)) {
          throw new IOException(zip + " has an entry outside its directory: " + e.getName());
        }
        if (e.isDirectory()) {
          Files.createDirectories(target);
        } else {
          Files.createDirectories(target.getParent());
          Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  private static void run(List<String> command, Path dir) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + out);
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

  /**
   * {@code configured} ({@code $TRINO_JAVA_HOME}), else the newest JDK in {@code jvms} ({@code
   * /usr/lib/jvm}) whose {@code release} file says {@link #MIN_JAVA} or later.
   *
   * @throws IOException if there is none, or the configured one is older: the message says what it
   *     found and what to do
   */
  static Path javaHome(String configured, Path jvms) throws IOException {
    if (configured != null && !configured.isBlank()) {
      Path home = Path.of(configured);
      Optional<Runtime.Version> v = javaVersion(home);
      if (v.isEmpty() || v.get().compareTo(Runtime.Version.parse(MIN_JAVA)) < 0) {
        throw new IOException(
            "TRINO_JAVA_HOME is "
                + home
                + ", a JDK of version "
                + v.map(Object::toString).orElse("unknown (no readable release file)")
                + "; Trino needs "
                + MIN_JAVA
                + " or later");
      }
      return home;
    }
    List<String> seen = new ArrayList<>();
    Path best = null;
    Runtime.Version bestVersion = Runtime.Version.parse(MIN_JAVA);
    try (Stream<Path> homes = Files.isDirectory(jvms) ? Files.list(jvms) : Stream.empty()) {
      for (Path home : homes.sorted().toList()) {
        Optional<Runtime.Version> v = javaVersion(home);
        if (v.isEmpty() || Files.isSymbolicLink(home)) {
          continue;
        }
        seen.add(home.getFileName() + " (" + v.get() + ")");
        if (Files.isExecutable(home.resolve("bin/java")) && v.get().compareTo(bestVersion) >= 0) {
          best = home;
          bestVersion = v.get();
        }
      }
    }
    if (best == null) {
      throw new IOException(
          "No JDK "
              + MIN_JAVA
              + " or later for the Trino server: TRINO_JAVA_HOME is not set and "
              + jvms
              + " holds "
              + (seen.isEmpty() ? "none" : String.join(", ", seen))
              + ". Install one (e.g. Temurin 25 under /usr/lib/jvm) or set TRINO_JAVA_HOME to it;"
              + " lakestream itself still runs on Java 17");
    }
    return best;
  }

  /** The {@code JAVA_VERSION} of a JDK's {@code release} file. */
  private static Optional<Runtime.Version> javaVersion(Path home) {
    try (InputStream in = Files.newInputStream(home.resolve("release"))) {
      Properties release = new Properties();
      release.load(in);
      String v = release.getProperty("JAVA_VERSION");
      return v == null
          ? Optional.empty()
          : Optional.of(Runtime.Version.parse(v.replace("\"", "").trim()));
    } catch (IOException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Polls {@code /v1/info} until it says the server is no longer starting. */
  private static void awaitReady(Process process, int port, Path log) throws IOException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest info =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/info"))
            .timeout(Duration.ofSeconds(5))
            .build();
    try {
      await()
          .atMost(START_TIMEOUT)
          .pollInterval(Duration.ofMillis(250))
          .until(
              () -> {
                if (!process.isAlive()) {
                  throw new IllegalStateException("exited with code " + process.exitValue());
                }
                try {
                  HttpResponse<String> r = http.send(info, HttpResponse.BodyHandlers.ofString());
                  return r.statusCode() == 200 && r.body().contains("\"starting\":false");
                } catch (IOException e) {
                  return false; // not listening yet
                }
              });
    } catch (ConditionTimeoutException e) {
      throw new IOException(
          "Trino did not become ready on port "
              + port
              + " within "
              + START_TIMEOUT
              + "; "
              + log
              + ":\n"
              + tail(log));
    } catch (RuntimeException e) {
      throw new IOException(
          "Trino " + e.getMessage() + " while starting; " + log + ":\n" + tail(log));
    }
  }

  private static String tail(Path file) {
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (NoSuchFileException e) {
      return "(no " + file + ")";
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e + ")";
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    }
  }
}
