package io.lakestream.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs an integration test's pipeline into Hudi by changing only its {@code sink} block, as a user
 * would.
 */
final class HudiSpecs {
  private HudiSpecs() {}

  /**
   * Writes a copy of the spec at {@code spec}, named {@code hudi-<name>}, whose {@code sink} block
   * is {@code hudi:} with {@code options} ({@code key: value} lines) instead, and returns its path.
   */
  static Path withHudiSink(Path spec, Path table, String tableName, String... options)
      throws IOException {
    List<String> lines = new ArrayList<>();
    boolean inSink = false;
    for (String line : Files.readAllLines(spec)) {
      if (line.equals("sink:")) {
        inSink = true;
        lines.add(line);
        lines.add("  hudi:");
        lines.add("    path: \"" + table + "\"");
        lines.add("    table: " + tableName);
        for (String option : options) {
          lines.add("    " + option);
        }
      } else if (!inSink || !line.startsWith(" ")) {
        inSink = false;
        lines.add(line);
      }
    }
    Path hudi = spec.resolveSibling("hudi-" + spec.getFileName());
    Files.writeString(hudi, String.join("\n", lines) + "\n");
    return hudi;
  }
}
