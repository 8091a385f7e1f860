package io.lakestream.cli.logging;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A main class run to its end in a child JVM with this JVM's class path, output in files. */
record JvmRun(int exitCode, List<String> stdout, List<String> stderr) {

  static JvmRun of(Path dir, Map<String, String> env, String mainClass, String... args)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile(dir, "run", ".out");
    Path err = Files.createTempFile(dir, "run", ".err");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass);
    command.addAll(List.of(args));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
    builder.environment().remove("LAKESTREAM_LOG_FORMAT");
    builder.environment().remove("LAKESTREAM_LOG_LEVEL");
    builder.environment().putAll(env);
    Process process = builder.start();
    if (!process.waitFor(2, TimeUnit.MINUTES)) {
      process.destroyForcibly().waitFor();
      throw new AssertionError(mainClass + " did not finish within 2 minutes");
    }
    return new JvmRun(process.exitValue(), Files.readAllLines(out), Files.readAllLines(err));
  }
}
