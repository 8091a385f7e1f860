package io.lakestream.cli.embedded;

import io.lakestream.core.spec.Units;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A Kafka broker running in a child JVM ({@link EmbeddedKafkaBroker#main(String[])}), so that its
 * CPU and memory are not counted in this process: the benchmark uses it.
 *
 * <p>The child uses this JVM's {@code java.home} and {@code java.class.path}, writes its log
 * (stderr) to {@code broker.log} in its data directory, and stops when its stdin is closed, so it
 * also stops if this process dies without calling {@link #close()}.
 */
public final class ChildBroker implements AutoCloseable {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(150);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
  private static final int LOG_TAIL_LINES = 30;

  private final Process process;
  private final String bootstrapServers;
  private final Path logFile;
  private boolean closed;

  private ChildBroker(Process process, String bootstrapServers, Path logFile) {
    this.process = process;
    this.bootstrapServers = bootstrapServers;
    this.logFile = logFile;
  }

  /**
   * Launches a child JVM running a broker with its data in {@code dir} and its client listener on
   * {@code port} ({@code 0}: any free port), and returns once it printed its READY line.
   *
   * @throws IOException if the directory or the process cannot be created
   * @throws InterruptedException if interrupted while waiting; the child is then killed
   * @throws IllegalStateException if the child exits, or is not ready within 150 s; the message
   *     includes the end of its log
   */
  public static ChildBroker start(Path dir, int port) throws IOException, InterruptedException {
    Path dataDir = dir.toAbsolutePath();
    Files.createDirectories(dataDir);
    Path logFile = dataDir.resolve("broker.log");
    Process process =
        new ProcessBuilder(command(dataDir, port))
            .redirectError(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
            .start();
    CompletableFuture<String> ready = new CompletableFuture<>();
    Thread reader = new Thread(() -> readStdout(process, ready), "child-kafka-broker-stdout");
    reader.setDaemon(true);
    reader.start();
    try {
      String bootstrap = ready.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      return new ChildBroker(process, bootstrap, logFile);
    } catch (ExecutionException e) {
      boolean exited = process.waitFor(10, TimeUnit.SECONDS);
      process.destroyForcibly();
      throw new IllegalStateException(
          "Child Kafka broker (data in "
              + dataDir
              + ") exited"
              + (exited ? " with code " + process.exitValue() : "")
              + " before it was ready. End of "
              + logFile
              + ":\n"
              + tail(logFile),
          e.getCause());
    } catch (TimeoutException e) {
      process.destroyForcibly();
      throw new IllegalStateException(
          "Child Kafka broker (data in "
              + dataDir
              + ") was not ready within "
              + Units.formatElapsed(START_TIMEOUT)
              + " and was killed. End of "
              + logFile
              + ":\n"
              + tail(logFile),
          e);
    } catch (InterruptedException e) {
      process.destroyForcibly();
      throw e;
    }
  }

  /** The {@code bootstrap.servers} value for clients of this broker. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** The child's process id. */
  public long pid() {
    return process.pid();
  }

  /** Whether the child process is still running. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /** The file receiving the child's log (its stderr). */
  public Path logFile() {
    return logFile;
  }

  /**
   * Asks the child to shut down (SIGTERM and end of stdin) and waits until it has exited; after 60
   * s it is killed. Calling it again does nothing.
   *
   * @throws IllegalStateException if interrupted while waiting (the child is killed and the
   *     interrupt flag is restored)
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      process.getOutputStream().close();
    } catch (IOException e) {
      // The child has gone already; nothing to stop.
    }
    process.destroy();
    try {
      if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while stopping the child Kafka broker", e);
    }
  }

  private static List<String> command(Path dataDir, int port) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xms256m");
    command.add("-Xmx1g");
    int feature = Runtime.version().feature();
    if (feature >= 22) {
      // Silences the JNI warnings of lz4, zstd and snappy on newer JDKs.
      command.add("--enable-native-access=ALL-UNNAMED");
    }
    if (feature >= 23) {
      command.add("--sun-misc-unsafe-memory-access=allow");
    }
    // The logging configuration of this JVM (e.g. one that debugs the broker) applies to the child.
    String logConfig = System.getProperty("logback.configurationFile");
    if (logConfig != null) {
      command.add("-Dlogback.configurationFile=" + logConfig);
    }
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(EmbeddedKafkaBroker.class.getName());
    command.add("--dir");
    command.add(dataDir.toString());
    command.add("--port");
    command.add(String.valueOf(port));
    return command;
  }

  private static void readStdout(Process process, CompletableFuture<String> ready) {
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      // Keeps reading after READY so that the child never blocks on a full pipe.
      while ((line = in.readLine()) != null) {
        if (line.startsWith(EmbeddedKafkaBroker.READY_PREFIX)) {
          ready.complete(line.substring(EmbeddedKafkaBroker.READY_PREFIX.length()).trim());
        }
      }
    } catch (IOException e) {
      ready.completeExceptionally(e);
    }
    ready.completeExceptionally(new IllegalStateException("stdout closed before READY"));
  }

  private static String tail(Path file) {
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      return String.join(
          "\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(log not readable: " + e + ")";
    }
  }
}
