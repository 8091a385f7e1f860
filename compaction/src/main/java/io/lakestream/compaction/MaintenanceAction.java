package io.lakestream.compaction;

import java.util.function.Consumer;
import org.apache.iceberg.Table;

/**
 * One maintenance action on an Iceberg table: configured when built, run on as many tables as
 * wanted. Every action is safe beside live lakestream writers (see the implementations).
 */
public interface MaintenanceAction {

  /** The action's stable name, as on the command line: {@code rewrite-data-files}. */
  String name();

  /**
   * Runs the action once on {@code table}.
   *
   * @param table a table loaded from its catalog
   * @param dryRun report what would change and change nothing
   * @param progress receives one line per step of long work
   * @throws io.lakestream.core.error.PipelineException if the action cannot run on the table; the
   *     message says why and what to do
   */
  ActionResult run(Table table, boolean dryRun, Consumer<String> progress);
}
