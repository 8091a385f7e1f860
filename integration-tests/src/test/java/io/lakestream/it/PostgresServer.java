package io.lakestream.it;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A real PostgreSQL server from the machine's packages: a fresh cluster in a temporary directory,
 * listening on 127.0.0.1 on a free port, configured for logical replication ({@code
 * wal_level=logical}) and for speed over durability ({@code fsync=off}).
 *
 * <p>The binaries come from {@code $LAKESTREAM_PG_BIN} if set, else from the newest {@code
 * /usr/lib/postgresql/<version>/bin} (Debian's {@code postgresql} package, which {@code .ci/run}
 * installs). PostgreSQL refuses to run as root, so when this JVM is root, {@code initdb} and {@code
 * postgres} run as {@code $LAKESTREAM_PG_OS_USER}, else the {@code postgres} user the Debian
 * package creates, else {@code nobody}, through {@code setpriv}, which execs and so leaves the
 * postmaster as this JVM's direct child.
 *
 * <p>The superuser is {@link #USER}. Connections over the Unix socket are trusted; TCP connections
 * (every JDBC connection, replication included) need {@link #PASSWORD} (SCRAM).
 *
 * <p>The server log is {@code <data dir>/postgres.log}; a failed start throws with its tail. {@link
 * #stop()} and {@link #startAgain()} take the server down and bring it back on the same port and
 * data, as an operator restarting it would. {@link #close()} stops the server at once (immediate
 * shutdown: nothing is flushed, the cluster is thrown away) and deletes the directory; a shutdown
 * hook does the same if nobody calls it.
 */
final class PostgresServer implements AutoCloseable {
  /** The cluster's superuser. */
  static final String USER = "lakestream";

  /** {@link #USER}'s password, required on TCP connections. */
  static final String PASSWORD = "lakestream-test";

  private static final Pattern DATABASE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);
  private static final int START_ATTEMPTS = 3;

  private final Path bin;
  private final RunAs runAs;
  private final Path dir;
  private final Path data;
  private final Path log;
  private final int port;
  private volatile Process process;
  private final Thread shutdownHook;
  private boolean closed;

  private PostgresServer(
      Path bin, RunAs runAs, Path dir, Path data, Path log, int port, Process process) {
    this.bin = bin;
    this.runAs = runAs;
    this.dir = dir;
    this.data = data;
    this.log = log;
    this.port = port;
    this.process = process;
    this.shutdownHook = new Thread(this::close, "postgres-server-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * Creates a cluster in a new temporary directory and starts a server on it; returns once the
   * server accepts connections.
   *
   * @throws IOException if the binaries are missing, {@code initdb} fails or the server does not
   *     come up (the message has the tail of its log)
   */
  static PostgresServer start() throws IOException, InterruptedException {
    Path bin = binaries();
    RunAs runAs = RunAs.forThisProcess();
    Path dir = Files.createTempDirectory("lakestream-it-pg");
    try {
      runAs.handOver(dir);
      Path data = dir.resolve("data");
      initdb(bin, runAs, dir, data);
      Path log = data.resolve("postgres.log");
      for (int attempt = 1; ; attempt++) {
        int port = freePort();
        Process process = postgres(bin, runAs, dir, data, port, log);
        try {
          awaitReady(process, port, log);
          return new PostgresServer(bin, runAs, dir, data, log, port, process);
        } catch (IOException e) {
          stop(process, "QUIT");
          // Another process may take the port between freePort() and postgres binding it.
          if (attempt == START_ATTEMPTS || !tail(log).contains("could not bind")) {
            throw e;
          }
        }
      }
    } catch (IOException | InterruptedException | RuntimeException e) {
      deleteRecursively(dir);
      throw e;
    }
  }

  /** The TCP port on 127.0.0.1. */
  int port() {
    return port;
  }

  /** The superuser's name, {@link #USER}. */
  String user() {
    return USER;
  }

  /** The superuser's password, {@link #PASSWORD}. */
  String password() {
    return PASSWORD;
  }

  /** The JDBC URL of {@code database}, without credentials. */
  String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  /** A new connection to {@code database} as the superuser. */
  Connection connect(String database) throws SQLException {
    return DriverManager.getConnection(jdbcUrl(database), USER, PASSWORD);
  }

  /**
   * Creates an empty database; returns its JDBC URL. Databases isolate tables and publications, but
   * replication slots are cluster-wide: tests sharing this server need distinct slot names.
   *
   * @param name lower-case letters, digits and underscores, not starting with a digit
   * @throws SQLException if the database exists already
   */
  String createDatabase(String name) throws SQLException {
    if (!DATABASE_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "Database name must match " + DATABASE_NAME.pattern() + ": " + name);
    }
    try (Connection c = connect("postgres");
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    }
    return jdbcUrl(name);
  }

  /**
   * Stops the server as an operator would: a fast shutdown, which disconnects every client and
   * keeps the data. Connections are refused until {@link #startAgain()}.
   */
  void stop() throws InterruptedException {
    stop(process, "INT");
  }

  /**
   * Starts a {@linkplain #stop() stopped} server again on its port and data; returns once ready.
   */
  void startAgain() throws IOException, InterruptedException {
    Process restarted = postgres(bin, runAs, dir, data, port, log);
    process = restarted;
    try {
      awaitReady(restarted, port, log);
    } catch (IOException e) {
      stop(restarted, "QUIT");
      throw e;
    }
  }

  /** The server's log file. */
  Path logFile() {
    return log;
  }

  /** Stops the server at once and deletes its directory. Idempotent. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // Called from the hook itself.
    }
    try {
      stop(process, "QUIT");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    deleteRecursively(dir);
  }

  /** {@code $LAKESTREAM_PG_BIN}, else the newest {@code /usr/lib/postgresql/<version>/bin}. */
  private static Path binaries() throws IOException {
    String override = System.getenv("LAKESTREAM_PG_BIN");
    Path bin;
    if (override != null && !override.isBlank()) {
      bin = Path.of(override);
    } else {
      Path root = Path.of("/usr/lib/postgresql");
      try (Stream<Path> versions = Files.isDirectory(root) ? Files.list(root) : Stream.empty()) {
        bin =
            versions
                .filter(v -> Files.isExecutable(v.resolve("bin").resolve("postgres")))
                .max(Comparator.comparing(PostgresServer::majorVersion))
                .map(v -> v.resolve("bin"))
                .orElse(root.resolve("<version>").resolve("bin"));
      }
    }
    for (String tool : List.of("initdb", "postgres")) {
      if (!Files.isExecutable(bin.resolve(tool))) {
        throw new IOException(
            "No PostgreSQL server binaries: "
                + bin.resolve(tool)
                + " is missing; install Debian's postgresql package (.ci/run does)"
                + " or set LAKESTREAM_PG_BIN to the directory holding initdb and postgres");
      }
    }
    return bin;
  }

  private static int majorVersion(Path versionDir) {
    String name = versionDir.getFileName().toString();
    try {
      return Integer.parseInt(name.replaceFirst("\\..*", ""));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static void initdb(Path bin, RunAs runAs, Path dir, Path data)
      throws IOException, InterruptedException {
    Path passwordFile = dir.resolve("password");
    Files.writeString(passwordFile, PASSWORD + "\n");
    runAs.handOver(passwordFile);
    Path initdbLog = dir.resolve("initdb.log");
    List<String> command =
        runAs.wrap(
            List.of(
                bin.resolve("initdb").toString(),
                "--pgdata=" + data,
                "--username=" + USER,
                "--pwfile=" + passwordFile,
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync"));
    Process p = builder(command, dir).redirectOutput(initdbLog.toFile()).start();
    boolean done = p.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    Files.deleteIfExists(passwordFile);
    if (!done) {
      p.destroyForcibly();
      throw new IOException("initdb did not finish in " + START_TIMEOUT + ":\n" + tail(initdbLog));
    }
    if (p.exitValue() != 0) {
      throw new IOException(
          "initdb failed with exit code " + p.exitValue() + ":\n" + tail(initdbLog));
    }
  }

  private static Process postgres(Path bin, RunAs runAs, Path dir, Path data, int port, Path log)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(bin.resolve("postgres").toString());
    command.add("-D");
    command.add(data.toString());
    command.add("-p");
    command.add(Integer.toString(port));
    for (String setting :
        List.of(
            "listen_addresses=127.0.0.1",
            "unix_socket_directories=" + dir,
            "wal_level=logical",
            "max_replication_slots=20",
            "max_wal_senders=20",
            "fsync=off",
            "synchronous_commit=off",
            "full_page_writes=off")) {
      command.add("-c");
      command.add(setting);
    }
    return builder(runAs.wrap(command), dir)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
  }

  private static ProcessBuilder builder(List<String> command, Path dir) {
    ProcessBuilder b =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    Map<String, String> env = b.environment();
    // The child must not pick up a developer's PG* settings or an uninstalled locale.
    env.keySet().removeIf(k -> k.startsWith("PG") || k.startsWith("LC_") || k.equals("LANG"));
    env.put("LC_ALL", "C");
    return b;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static void awaitReady(Process process, int port, Path log) throws IOException {
    Properties props = new Properties();
    props.setProperty("user", USER);
    props.setProperty("password", PASSWORD);
    props.setProperty("connectTimeout", "2");
    String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    try {
      await()
          .atMost(START_TIMEOUT)
          .pollDelay(Duration.ofMillis(20))
          .pollInterval(Duration.ofMillis(50))
          .until(
              () -> {
                if (!process.isAlive()) {
                  throw new ServerExited(process.exitValue());
                }
                try (Connection c = DriverManager.getConnection(url, props)) {
                  return c.isValid(2);
                } catch (SQLException e) {
                  // 57P03: starting up; 08001: not listening yet
                  return false;
                }
              });
    } catch (ServerExited e) {
      throw new IOException(
          "postgres exited with code " + e.exitCode + " while starting:\n" + tail(log));
    } catch (ConditionTimeoutException e) {
      throw new IOException(
          "postgres did not accept connections on port "
              + port
              + " within "
              + START_TIMEOUT
              + ":\n"
              + tail(log));
    }
  }

  /**
   * Shutdown by {@code signal} ({@code QUIT}: immediate, {@code INT}: fast), then SIGKILL if the
   * postmaster does not exit in time.
   */
  private static void stop(Process process, String signal) throws InterruptedException {
    if (!process.isAlive()) {
      return;
    }
    try {
      new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start()
          .waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (IOException e) {
      process.destroyForcibly();
    }
    if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
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

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    } catch (NoSuchFileException e) {
      // already gone
    } catch (IOException | UncheckedIOException e) {
      System.err.println("Cannot delete " + dir + ": " + e);
    }
  }

  /** Thrown from the readiness check so the caller can report the log instead of a timeout. */
  private static final class ServerExited extends RuntimeException {
    final int exitCode;

    ServerExited(int exitCode) {
      super(null, null, false, false);
      this.exitCode = exitCode;
    }
  }

  /**
   * How to run {@code initdb} and {@code postgres}: directly, or, when this JVM is root, as an
   * unprivileged user through {@code setpriv}.
   */
  private record RunAs(String user, String group) {
    static RunAs forThisProcess() throws IOException, InterruptedException {
      if (new com.sun.security.auth.module.UnixSystem().getUid() != 0) {
        return new RunAs(null, null);
      }
      String configured = System.getenv("LAKESTREAM_PG_OS_USER");
      List<String> candidates =
          configured != null && !configured.isBlank()
              ? List.of(configured)
              : List.of("postgres", "nobody");
      for (String user : candidates) {
        try {
          FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName(user);
        } catch (UserPrincipalNotFoundException e) {
          continue;
        }
        return new RunAs(user, primaryGroup(user));
      }
      throw new IOException(
          "Running as root, and none of the users "
              + candidates
              + " exists to run PostgreSQL as; set LAKESTREAM_PG_OS_USER to an unprivileged user");
    }

    /** Makes {@code path} owned by the user the server runs as. */
    void handOver(Path path) throws IOException {
      if (user == null) {
        return;
      }
      var lookup = path.getFileSystem().getUserPrincipalLookupService();
      Files.setOwner(path, lookup.lookupPrincipalByName(user));
      if (Files.isDirectory(path)) {
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwx------"));
      } else {
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
      }
    }

    List<String> wrap(List<String> command) {
      if (user == null) {
        return command;
      }
      List<String> wrapped = new ArrayList<>();
      wrapped.add("setpriv");
      wrapped.add("--reuid=" + user);
      wrapped.add("--regid=" + group);
      wrapped.add("--init-groups");
      wrapped.add("--");
      wrapped.addAll(command);
      return wrapped;
    }

    private static String primaryGroup(String user) throws IOException, InterruptedException {
      Process p =
          new ProcessBuilder("id", "-g", user)
              .redirectErrorStream(true)
              .redirectInput(ProcessBuilder.Redirect.PIPE)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (p.waitFor() != 0 || !out.matches("\\d+")) {
        throw new IOException("Cannot find the primary group of " + user + ": " + out);
      }
      return out;
    }
  }
}
