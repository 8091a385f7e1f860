package io.lakestream.it;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code lakestream} running in a child JVM, started from this JVM's class path, with its output in
 * files. {@link #kill()} sends SIGKILL: nothing in the child gets to run afterwards.
 */
final class PipelineProcess implements AutoCloseable {
  /** The child's heap, unless a test asks for another; small, as many run at once. */
  static final String DEFAULT_HEAP = "512m";

  private final Process process;
  private final Path stdout;
  private final Path stderr;

  private PipelineProcess(Process process, Path stdout, Path stderr) {
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /**
   * Starts {@code lakestream ARGS...}.
   *
   * @param logDir where stdout/stderr files go
   * @param systemProperties {@code -D} settings, e.g. {@code lakestream.debug.pause-at=PERSISTED}
   */
  static PipelineProcess start(Path logDir, List<String> systemProperties, String... args)
      throws IOException {
    return startIn(null, logDir, systemProperties, args);
  }

  /** Like {@link #start}, with {@code workDir} as the working directory (null: this one's). */
  static PipelineProcess startIn(
      Path workDir, Path logDir, List<String> systemProperties, String... args) throws IOException {
    return launch(workDir, DEFAULT_HEAP, logDir, systemProperties, Map.of(), args);
  }

  /**
   * Like {@link #start}, with {@code environment} added to the child's environment: what a spec's
   * {@code ${env:NAME}} references read.
   */
  static PipelineProcess startWithEnvironment(
      Path logDir, Map<String, String> environment, String... args) throws IOException {
    return launch(null, DEFAULT_HEAP, logDir, List.of(), environment, args);
  }

  /**
   * Like {@link #start}, with a heap of {@code maxHeap} ({@code -Xmx}) instead of {@value
   * #DEFAULT_HEAP}; {@code 2g} is what {@code bin/lakestream} gives by default.
   */
  static PipelineProcess startWithHeap(String maxHeap, Path logDir, String... args)
      throws IOException {
    return launch(null, maxHeap, logDir, List.of(), Map.of(), args);
  }

  private static PipelineProcess launch(
      Path workDir,
      String maxHeap,
      Path logDir,
      List<String> systemProperties,
      Map<String, String> environment,
      String... args)
      throws IOException {
    Files.createDirectories(logDir);
    String name = "run-" + System.nanoTime();
    Path out = logDir.resolve(name + ".out");
    Path err = logDir.resolve(name + ".err");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx" + maxHeap);
    command.add("-XX:TieredStopAtLevel=1");
    // the configuration users get, at its default levels
    command.add("-Dlogback.configurationFile=logback.xml");
    for (String p : systemProperties) {
      command.add("-D" + p);
    }
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("io.lakestream.cli.Lakestream");
    command.addAll(List.of(args));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(workDir == null ? null : workDir.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.PIPE);
    builder.environment().putAll(environment);
    Process p = builder.start();
    return new PipelineProcess(p, out, err);
  }

  /**
   * Waits until standard output has a line matching {@code regex}; returns its first group or line.
   */
  String awaitOutput(String regex, Duration timeout) {
    Pattern pattern = Pattern.compile(regex);
    String[] found = new String[1];
    await()
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(50))
        .failFast(
            () -> {
              // the output is read when the process has exited, not when waiting began
              if (!process.isAlive() && find(pattern) == null) {
                throw new AssertionError("The pipeline process exited:\n" + tail());
              }
            })
        .until(() -> (found[0] = find(pattern)) != null);
    return found[0];
  }

  /**
   * Waits until {@code p}'s table records positions covering {@code records} records ({@link
   * LakeTables#positionsSum}); fails at once if this process exits meanwhile.
   */
  void awaitCommitted(TestPipeline p, long records) {
    await()
        .atMost(Duration.ofMinutes(1))
        .ignoreExceptions()
        .failFast(
            () -> {
              if (!process.isAlive()) {
                throw new AssertionError("The pipeline process exited:\n" + tail());
              }
            })
        .until(() -> LakeTables.positionsSum(LakeTables.load(p, TestPipeline.TABLE)) >= records);
  }

  private String find(Pattern pattern) throws IOException {
    for (String line : Files.readAllLines(stdout)) {
      Matcher m = pattern.matcher(line);
      if (m.find()) {
        return m.groupCount() > 0 ? m.group(1) : line;
      }
    }
    return null;
  }

  /** SIGKILL, then wait until the process is gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM: asks for a clean stop. */
  void terminate() {
    process.destroy();
  }

  /** SIGSTOP: the process is frozen as it is, holding whatever it holds, until {@link #resume}. */
  void suspend() throws IOException, InterruptedException {
    signal("STOP");
  }

  /** SIGCONT: a {@linkplain #suspend suspended} process runs on. */
  void resume() throws IOException, InterruptedException {
    signal("CONT");
  }

  private void signal(String name) throws IOException, InterruptedException {
    Process kill =
        new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
            .redirectErrorStream(true)
            .start();
    if (kill.waitFor() != 0) {
      throw new IOException(
          "kill -"
              + name
              + " "
              + process.pid()
              + " failed: "
              + new String(kill.getInputStream().readAllBytes()));
    }
  }

  /** Waits for the process to exit and returns its exit code. */
  int waitFor(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(
          "The pipeline process did not finish within " + timeout + ":\n" + tail());
    }
    return process.exitValue();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  String stdout() throws IOException {
    return Files.readString(stdout);
  }

  String stderr() throws IOException {
    return Files.readString(stderr);
  }

  /** The last lines of both outputs, for failure messages. */
  String tail() {
    try {
      List<String> err = Files.readAllLines(stderr);
      List<String> out = Files.readAllLines(stdout);
      return "stdout:\n"
          + String.join("\n", out.subList(Math.max(0, out.size() - 20), out.size()))
          + "\nstderr:\n"
          + String.join("\n", err.subList(Math.max(0, err.size() - 40), err.size()));
    } catch (IOException e) {
      return "(no output: " + e.getMessage() + ")";
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }
}
