package io.lakestream.cli;

import io.lakestream.iceberg.IcebergTables;
import io.lakestream.iceberg.TableDescription;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "describe",
    description =
        "Show a table: schema, partitioning, size, and its snapshots with the lakestream pipeline and"
            + " checkpoint each one commits.")
final class DescribeCommand implements Callable<Integer> {
  @Spec CommandSpec command;
  @Mixin CatalogOptions catalog;

  @Parameters(paramLabel = "TABLE", description = "The table, namespace.name.")
  String table;

  @Option(
      names = "--snapshots",
      defaultValue = "20",
      description = "Newest snapshots to show. Default: ${DEFAULT-VALUE}.")
  int snapshots;

  @Override
  public Integer call() {
    try (IcebergTables tables = new IcebergTables(catalog.section())) {
      print(tables.describe(table, snapshots), command.commandLine().getOut());
      return 0;
    }
  }

  /** Prints a description the way {@code describe} and {@code quickstart} show it. */
  static void print(TableDescription d, PrintWriter out) {
    out.printf(Locale.ROOT, "Table %s (Iceberg format v%d)%n", d.name(), d.formatVersion());
    out.printf(Locale.ROOT, "  location:     %s%n", d.location());
    out.printf(Locale.ROOT, "  partitioning: %s%n", d.partitioning());
    out.printf(
        Locale.ROOT,
        "  current:      %,d rows in %,d data files, %s%n",
        d.totals().records(),
        d.totals().dataFiles(),
        bytes(d.totals().bytes()));
    out.println("  columns:");
    for (TableDescription.Column c : d.columns()) {
      out.printf(
          Locale.ROOT,
          "    %-20s %-18s %s%n",
          c.name(),
          c.type(),
          c.required() ? "required" : "optional");
    }
    out.printf(
        Locale.ROOT,
        "  snapshots (%d of %d, newest first):%n",
        d.snapshots().size(),
        d.snapshotCount());
    out.printf(
        Locale.ROOT,
        "    %-20s %-24s %-10s %-22s %10s %8s %12s%n",
        "SNAPSHOT",
        "COMMITTED AT",
        "OPERATION",
        "PIPELINE",
        "CHECKPOINT",
        "+FILES",
        "+ROWS");
    for (TableDescription.SnapshotInfo s : d.snapshots()) {
      out.printf(
          Locale.ROOT,
          "    %-20d %-24s %-10s %-22s %10s %8d %,12d%n",
          s.snapshotId(),
          s.committedAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
          s.operation(),
          s.pipelineId() == null ? "-" : s.pipelineId(),
          s.checkpointId() == null ? "-" : s.checkpointId().toString(),
          s.addedFiles(),
          s.addedRecords());
    }
    out.flush();
  }

  private static String bytes(long n) {
    if (n < 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f KiB", n / 1024.0);
    }
    return String.format(Locale.ROOT, "%.1f MiB", n / (1024.0 * 1024));
  }
}
