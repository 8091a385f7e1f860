package io.lakestream.cli.embedded;

import io.lakestream.cli.logging.LogLevel;
import io.lakestream.cli.logging.Logback;
import io.lakestream.core.spec.Units;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller) running in this JVM, for
 * tests, the quickstart and small local pipelines.
 *
 * <p>It listens on loopback only ({@code 127.0.0.1}), PLAINTEXT, with one replica for every topic
 * including the internal ones; {@link #start(Path, SecureListener)} adds a listener that requires
 * TLS or SASL, for clients that must prove they can use one. {@link #start(Path)} formats the data
 * directory on first use and reuses it (topics and offsets included) when it was formatted before;
 * {@link #start()} uses a temporary directory that {@link #close()} deletes.
 *
 * <p>The broker's own loggers log at WARN unless the logging configuration sets their levels (see
 * {@link #quietBrokerLogging()}).
 *
 * <p>{@link #main(String[])} runs the broker as a child process; {@link #startChildProcess(Path)}
 * launches such a process (see {@link ChildBroker}).
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

  /** The host every listener binds to and advertises. */
  static final String HOST = "127.0.0.1";

  /** The line {@link #main(String[])} prints on stdout once the broker answers requests. */
  static final String READY_PREFIX = "READY ";

  private static final int NODE_ID = 1;
  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration POLL_INTERVAL = Duration.ofMillis(100);
  private static final int BIND_ATTEMPTS = 3;

  private final KafkaRaftServer server;
  private final Admin admin;
  private final String bootstrapServers;
  private final String secureBootstrapServers;
  private final Path dataDir;
  private final boolean deleteDataDirOnClose;
  private boolean closed;

  private EmbeddedKafkaBroker(
      KafkaRaftServer server,
      Admin admin,
      String bootstrapServers,
      String secureBootstrapServers,
      Path dataDir,
      boolean deleteDataDirOnClose) {
    this.server = server;
    this.admin = admin;
    this.bootstrapServers = bootstrapServers;
    this.secureBootstrapServers = secureBootstrapServers;
    this.dataDir = dataDir;
    this.deleteDataDirOnClose = deleteDataDirOnClose;
  }

  /**
   * Starts a broker whose data lives in a new temporary directory, deleted by {@link #close()}.
   *
   * @throws IOException if the directory cannot be created or formatted
   * @throws InterruptedException if interrupted while waiting for the broker
   * @throws IllegalStateException if the broker fails to start or does not answer in time
   */
  public static EmbeddedKafkaBroker start() throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("lakestream-kafka-");
    try {
      return start(dir, 0, true, null);
    } catch (IOException | InterruptedException | RuntimeException e) {
      deleteRecursively(dir);
      throw e;
    }
  }

  /**
   * Starts a broker on free loopback ports with its data in {@code dataDir}, and returns once the
   * broker answers {@code Admin.describeCluster()}.
   *
   * <p>The directory is created and formatted if needed; a directory formatted by an earlier run is
   * reused as is, so its topics and committed offsets survive a restart. The directory is kept on
   * {@link #close()}.
   *
   * @throws IOException if the directory cannot be created or formatted
   * @throws InterruptedException if interrupted while waiting for the broker
   * @throws IllegalStateException if the broker fails to start or does not answer within 120 s
   */
  public static EmbeddedKafkaBroker start(Path dataDir) throws IOException, InterruptedException {
    return start(dataDir, 0, false, null);
  }

  /**
   * Like {@link #start(Path)}, with {@code listener} on a further free loopback port: {@link
   * #secureBootstrapServers()}. The broker and {@link #createTopic} keep using PLAINTEXT.
   *
   * @throws IllegalStateException also if the broker rejects the listener's properties
   */
  public static EmbeddedKafkaBroker start(Path dataDir, SecureListener listener)
      throws IOException, InterruptedException {
    return start(dataDir, 0, false, listener);
  }

  /**
   * Like {@link #start(Path)}, with the client listener on {@code port} ({@code 0}: any free port).
   *
   * @throws IllegalArgumentException if the port is outside 0..65535
   */
  public static EmbeddedKafkaBroker start(Path dataDir, int port)
      throws IOException, InterruptedException {
    return start(dataDir, port, false, null);
  }

  private static EmbeddedKafkaBroker start(
      Path dataDir, int port, boolean deleteOnClose, SecureListener listener)
      throws IOException, InterruptedException {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("Broker port must be in 0..65535: " + port);
    }
    quietBrokerLogging();
    Path dir = dataDir.toAbsolutePath();
    Files.createDirectories(dir);
    format(dir);
    for (int attempt = 1; ; attempt++) {
      int brokerPort = port == 0 ? freePort() : port;
      int controllerPort = freePort();
      int securePort = listener == null ? 0 : freePort();
      KafkaRaftServer server =
          new KafkaRaftServer(
              config(dir, brokerPort, controllerPort, listener, securePort), Time.SYSTEM);
      try {
        server.startup();
      } catch (RuntimeException e) {
        stopQuietly(server);
        // A port picked as free can be taken by someone else before the broker binds it.
        boolean pickedPortTaken =
            hasCause(e, BindException.class)
                && (port == 0
                    || causeMentions(e, HOST + ":" + controllerPort)
                    || (listener != null && causeMentions(e, HOST + ":" + securePort)));
        if (pickedPortTaken && attempt < BIND_ATTEMPTS) {
          LOG.warn(
              "Kafka broker could not bind its ports, retrying with other ports: {}", e.toString());
          continue;
        }
        throw new IllegalStateException(
            "Kafka broker failed to start (client port "
                + brokerPort
                + ", controller port "
                + controllerPort
                + ", data in "
                + dir
                + "): "
                + rootMessage(e),
            e);
      }
      String bootstrap = HOST + ":" + brokerPort;
      Admin admin = Admin.create(adminConfig(bootstrap));
      try {
        awaitReady(admin, bootstrap, dir);
      } catch (InterruptedException | RuntimeException e) {
        admin.close(Duration.ZERO);
        stopQuietly(server);
        throw e;
      }
      LOG.info("Kafka broker ready at {} with data in {}", bootstrap, dir);
      String secure = listener == null ? null : HOST + ":" + securePort;
      return new EmbeddedKafkaBroker(server, admin, bootstrap, secure, dir, deleteOnClose);
    }
  }

  /**
   * The {@code bootstrap.servers} value for clients of this broker, e.g. {@code 127.0.0.1:41235}.
   */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /**
   * The {@code bootstrap.servers} value for clients of the {@link SecureListener} the broker was
   * started with; they need that listener's client settings too.
   *
   * @throws IllegalStateException if the broker has no such listener
   */
  public String secureBootstrapServers() {
    if (secureBootstrapServers == null) {
      throw new IllegalStateException(
          "The broker at " + bootstrapServers + " was started without a secure listener");
    }
    return secureBootstrapServers;
  }

  /** The directory holding the broker's logs and metadata. */
  public Path dataDir() {
    return dataDir;
  }

  /**
   * Creates a topic with {@code partitions} partitions and one replica, and returns once the
   * broker's metadata shows a leader for every partition.
   *
   * <p>Creating a topic that already exists with the same number of partitions does nothing.
   *
   * @throws IllegalArgumentException if the name is blank or {@code partitions < 1}
   * @throws IllegalStateException if the topic exists with another partition count, or the broker
   *     rejects it, or its partitions get no leader within 60 s
   * @throws InterruptedException if interrupted while waiting
   */
  public void createTopic(String name, int partitions) throws InterruptedException {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("Topic name must not be blank: '" + name + "'");
    }
    if (partitions < 1) {
      throw new IllegalArgumentException("Topic partitions must be at least 1: " + partitions);
    }
    int actual =
        Topics.createAndAwait(admin, name, partitions, Optional.of((short) 1), TOPIC_TIMEOUT);
    if (actual != partitions) {
      throw new IllegalStateException(
          "Topic " + name + " already exists with " + actual + " partitions, not " + partitions);
    }
  }

  /**
   * Stops the broker and waits until it has shut down, then deletes the data directory if it was a
   * temporary one. Calling it again does nothing.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    admin.close(Duration.ofSeconds(5));
    server.shutdown();
    server.awaitShutdown();
    if (deleteDataDirOnClose) {
      deleteRecursively(dataDir);
    }
    LOG.info("Kafka broker at {} stopped", bootstrapServers);
  }

  /**
   * Starts a broker in a child JVM (same {@code java.home} and class path as this one), with its
   * data in {@code dir}, and returns once it is ready. See {@link ChildBroker}.
   *
   * @throws IOException if the process cannot be launched
   * @throws InterruptedException if interrupted while waiting for it
   * @throws IllegalStateException if the child exits or is not ready within 120 s
   */
  public static ChildBroker startChildProcess(Path dir) throws IOException, InterruptedException {
    return ChildBroker.start(dir, 0);
  }

  /**
   * Runs a broker as a process: {@code --dir DIR [--port N]}. Prints exactly one line, {@code READY
   * <bootstrap-servers>}, on stdout once the broker answers requests, then runs until stdin reaches
   * end of file or the process is terminated (SIGTERM, SIGINT), and shuts the broker down cleanly.
   * All logging goes to stderr. Exits with 0 after a clean stop, 1 if the broker failed, 2 on a
   * usage error.
   *
   * <p>Because end of stdin stops it, the parent's death stops it too; start it with stdin open
   * (not {@code </dev/null}) when running it by hand.
   */
  public static void main(String[] args) {
    PrintStream stdout = System.out;
    // Only the READY line may reach stdout; anything else printing there goes to stderr.
    System.setOut(System.err);
    Path dir = null;
    int port = 0;
    try {
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--dir" -> dir = Path.of(argValue(args, ++i, "--dir"));
          case "--port" -> port = Integer.parseInt(argValue(args, ++i, "--port"));
          default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
        }
      }
      if (dir == null) {
        throw new IllegalArgumentException("--dir is required");
      }
    } catch (IllegalArgumentException e) {
      System.err.println("Error: " + e.getMessage());
      System.err.println("Usage: EmbeddedKafkaBroker --dir DIR [--port N]");
      System.exit(2);
      return;
    }
    int exitCode = 0;
    try {
      EmbeddedKafkaBroker broker = start(dir, port);
      Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "kafka-broker-shutdown"));
      stdout.println(READY_PREFIX + broker.bootstrapServers());
      stdout.flush();
      drain(System.in);
      broker.close();
    } catch (Exception e) {
      LOG.error("Kafka broker failed", e);
      exitCode = 1;
    }
    System.exit(exitCode);
  }

  /**
   * Sets the broker's loggers ({@code kafka.*}, {@code org.apache.kafka.*}, {@code
   * state.change.logger}) to WARN unless the logging configuration gives them a level already, as
   * lakestream's {@code logback.xml} does. Kafka clients log under {@code org.apache.kafka} too.
   * Called by {@code start}.
   */
  public static void quietBrokerLogging() {
    for (String logger : List.of("kafka", "org.apache.kafka", "state.change.logger")) {
      Logback.setLevelIfUnset(logger, LogLevel.WARN);
    }
  }

  private static void format(Path dir) throws IOException {
    if (Files.exists(dir.resolve("meta.properties"))) {
      // Formatted by an earlier run: the broker checks its cluster id and node id itself.
      return;
    }
    String logDir = dir.toString();
    try {
      new Formatter()
          .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
          .setClusterId(Uuid.randomUuid().toString())
          .setNodeId(NODE_ID)
          .setDirectories(List.of(logDir))
          .setMetadataLogDirectory(logDir)
          .setControllerListenerName("CONTROLLER")
          .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
          .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
          .run();
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException(
          "Could not format Kafka data directory " + dir + ": " + e.getMessage(), e);
    }
  }

  private static KafkaConfig config(
      Path dir, int brokerPort, int controllerPort, SecureListener listener, int securePort) {
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", String.valueOf(NODE_ID));
    p.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
    String plaintext = "PLAINTEXT://" + HOST + ":" + brokerPort;
    String controller = "CONTROLLER://" + HOST + ":" + controllerPort;
    String protocols = "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT";
    if (listener == null) {
      p.put("listeners", plaintext + "," + controller);
      p.put("advertised.listeners", plaintext);
    } else {
      String secure = listener.name() + "://" + HOST + ":" + securePort;
      p.put("listeners", plaintext + "," + secure + "," + controller);
      p.put("advertised.listeners", plaintext + "," + secure);
      protocols += "," + listener.name() + ":" + listener.securityProtocol();
      listener.properties().forEach((k, v) -> p.put(listener.prefix() + k, v));
    }
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("listener.security.protocol.map", protocols);
    p.put("log.dirs", dir.toString());
    // One node: every internal topic has one replica, and few partitions so they are created fast.
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "1");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "1");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("share.coordinator.state.topic.num.partitions", "1");
    p.put("default.replication.factor", "1");
    p.put("min.insync.replicas", "1");
    // A consumer group is assigned at once instead of after the 3 s default delay.
    p.put("group.initial.rebalance.delay.ms", "0");
    // The broker is unfenced on a heartbeat: a shorter interval makes startup 1-2 s faster.
    p.put("broker.heartbeat.interval.ms", "500");
    // Small segments and indexes: many test topics should not preallocate 10 MB per partition.
    p.put("log.segment.bytes", String.valueOf(64 * 1024 * 1024));
    p.put("log.index.size.max.bytes", String.valueOf(1024 * 1024));
    // The log cleaner allocates its dedupe buffer on the heap up front; the default is 128 MB.
    p.put("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024));
    p.put("log.cleaner.threads", "1");
    p.put("num.network.threads", "2");
    p.put("num.io.threads", "4");
    p.put("background.threads", "4");
    return new KafkaConfig(p, false);
  }

  private static Map<String, Object> adminConfig(String bootstrap) {
    return Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        AdminClientConfig.CLIENT_ID_CONFIG, "lakestream-embedded-broker",
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000,
        AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 100);
  }

  private static void awaitReady(Admin admin, String bootstrap, Path dir)
      throws InterruptedException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    Exception last = null;
    while (System.nanoTime() < deadline) {
      try {
        Collection<Node> nodes =
            admin
                .describeCluster()
                .nodes()
                .get(POLL_INTERVAL.toMillis() * 20, TimeUnit.MILLISECONDS);
        if (nodes.stream().anyMatch(n -> n.id() == NODE_ID)) {
          return;
        }
      } catch (ExecutionException e) {
        last = e;
      } catch (TimeoutException e) {
        last = e;
      }
      Thread.sleep(POLL_INTERVAL.toMillis());
    }
    throw new IllegalStateException(
        "Kafka broker at "
            + bootstrap
            + " (data in "
            + dir
            + ") did not answer describeCluster within "
            + Units.formatElapsed(START_TIMEOUT)
            + (last == null ? "" : "; last error: " + rootMessage(last)),
        last);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      return socket.getLocalPort();
    }
  }

  private static void stopQuietly(KafkaRaftServer server) {
    try {
      server.shutdown();
      server.awaitShutdown();
    } catch (RuntimeException e) {
      LOG.warn("Error while stopping a Kafka broker that failed to start", e);
    }
  }

  private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }

  private static boolean causeMentions(Throwable t, String text) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c.getMessage() != null && c.getMessage().contains(text)) {
        return true;
      }
    }
    return false;
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root.toString();
  }

  private static String argValue(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args[i];
  }

  private static void drain(InputStream in) throws IOException {
    byte[] buffer = new byte[256];
    while (in.read(buffer) >= 0) {
      // Input is ignored; only its end matters.
    }
  }

  /** Best effort: a temporary directory left behind is logged, not thrown. */
  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      LOG.warn("Could not delete temporary Kafka data directory {}: {}", dir, e.toString());
    }
  }
}
