package io.lakestream.cli;

import io.lakestream.core.inspect.TableDescription;
import io.lakestream.core.inspect.TableInspector;
import io.lakestream.core.inspect.TableInspectors;
import io.lakestream.core.spec.Secrets;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "describe",
    description =
        "Show a table: schema, partitioning, sort order, upsert key, properties, size, deletes and"
            + " live rows, and its snapshots with the lakestream pipeline, checkpoint and source"
            + " positions each one commits.")
final class DescribeCommand implements Callable<Integer> {
  @Spec CommandSpec command;
  @Mixin CatalogOptions catalog;

  @Parameters(paramLabel = "TABLE", description = "The table, namespace.name.")
  String table;

  @Option(
      names = "--snapshots",
      paramLabel = "N",
      defaultValue = "20",
      description = "Newest snapshots to show, 0 or more. Default: ${DEFAULT-VALUE}.")
  int snapshots;

  @Option(names = "--json", description = "Print the description as one JSON object.")
  boolean json;

  @Override
  public Integer call() {
    if (snapshots < 0) {
      throw new ParameterException(
          command.commandLine(), "--snapshots must be 0 or more (got " + snapshots + ")");
    }
    try (TableInspector tables = TableInspectors.open(catalog.section())) {
      TableDescription d = tables.describe(table, snapshots);
      if (json) {
        command.commandLine().getOut().println(TableJson.describe(d));
      } else {
        print(d, command.commandLine().getOut());
      }
      return 0;
    }
  }

  /** Prints a description the way {@code describe} and {@code quickstart} show it. */
  static void print(TableDescription d, PrintWriter out) {
    out.printf(Locale.ROOT, "Table %s (%s format v%d)%n", d.name(), d.format(), d.formatVersion());
    out.printf(Locale.ROOT, "  location:     %s%n", d.location());
    out.printf(Locale.ROOT, "  partitioning: %s%n", d.partitioning());
    out.printf(Locale.ROOT, "  sort order:   %s%n", d.sortOrder());
    out.printf(
        Locale.ROOT,
        "  upsert key:   %s%n",
        d.key().isEmpty() ? "none" : String.join(", ", d.key()));
    TableDescription.Totals t = d.totals();
    out.printf(
        Locale.ROOT,
        "  current:      %,d rows in %,d data files, %s%n",
        t.records(),
        t.dataFiles(),
        bytes(t.bytes()));
    out.printf(
        Locale.ROOT,
        "  deletes:      %,d position-delete files (%,d rows), %,d equality-delete files (%,d keys)%n",
        t.positionDeleteFiles(),
        t.positionDeletes(),
        t.equalityDeleteFiles(),
        t.equalityDeletes());
    out.printf(
        Locale.ROOT,
        "  live rows:    %,d%s%n",
        t.liveRows(),
        t.positionDeleteFiles() + t.equalityDeleteFiles() > 0
            ? " (counted by reading the table)"
            : "");
    d.details().forEach((k, v) -> out.printf(Locale.ROOT, "  %-13s %s%n", k + ":", v));
    out.println("  properties:");
    shownProperties(d).forEach((k, v) -> out.printf(Locale.ROOT, "    %s = %s%n", k, v));
    out.println("  columns:");
    for (TableDescription.Column c : d.columns()) {
      out.printf(
          Locale.ROOT,
          "    %-20s %-18s %s%n",
          c.name(),
          c.type(),
          c.required() ? "required" : "optional");
    }
    out.println("  writers (the last checkpoint each committed):");
    if (d.writers().isEmpty()) {
      out.println("    none: no lakestream pipeline has committed to this table");
    }
    for (TableDescription.WriterCheckpoint w : d.writers()) {
      out.printf(
          Locale.ROOT,
          "    %-22s %-12s checkpoint %d at %s  %s%n",
          w.writer().pipeline(),
          w.writer().name(),
          w.checkpointId(),
          w.committedAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
          positions(w.sourcePositions()));
    }
    out.printf(
        Locale.ROOT,
        "  snapshots (%d of %d, newest first):%n",
        d.commits().size(),
        d.commitCount());
    out.printf(
        Locale.ROOT,
        "    %-20s %-24s %-10s %-22s %-12s %10s %8s %12s  %s%n",
        "SNAPSHOT",
        "COMMITTED AT",
        "OPERATION",
        "PIPELINE",
        "WRITER",
        "CHECKPOINT",
        "+FILES",
        "+ROWS",
        "SOURCE POSITIONS");
    for (TableDescription.Commit s : d.commits()) {
      out.printf(
          Locale.ROOT,
          "    %-20d %-24s %-10s %-22s %-12s %10s %8d %,12d  %s%n",
          s.id(),
          s.committedAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
          s.operation(),
          s.writer() == null ? "-" : s.writer().pipeline(),
          s.writer() == null ? "-" : s.writer().name(),
          s.checkpointId() == null ? "-" : s.checkpointId().toString(),
          s.addedFiles(),
          s.addedRecords(),
          positions(s.sourcePositions()));
    }
    out.flush();
  }

  /**
   * A table's properties as {@code describe} shows them, sorted by key: a value whose key names a
   * secret masked, and a value read from the environment or a file shown as its reference.
   */
  static Map<String, String> shownProperties(TableDescription d) {
    Map<String, String> shown = new TreeMap<>();
    d.properties()
        .forEach((k, v) -> shown.put(k, Secrets.isSecret(k) ? Secrets.MASK : Secrets.maskText(v)));
    return shown;
  }

  /** {@code orders:0=42, orders:1=17}, or {@code -} when the commit recorded none. */
  private static String positions(Map<String, Long> positions) {
    if (positions.isEmpty()) {
      return "-";
    }
    StringBuilder out = new StringBuilder();
    new TreeMap<>(positions)
        .forEach((split, p) -> out.append(out.length() == 0 ? "" : ", ").append(split + "=" + p));
    return out.toString();
  }

  /**
   * A size in the largest binary unit that keeps it at 1 or more: {@code 512 B}, {@code 1.5 MiB}.
   */
  static String bytes(long n) {
    String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
    int unit = 0;
    double value = n;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return unit == 0 ? n + " B" : String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
  }
}
