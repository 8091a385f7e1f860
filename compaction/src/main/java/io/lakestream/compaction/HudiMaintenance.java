package io.lakestream.compaction;

import io.lakestream.core.error.PipelineException;
import io.lakestream.hudi.HudiTableServices;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Maintenance of Hudi tables, with the results of the Iceberg actions: Hudi's own table services
 * (see {@code HudiTableServices} in the hudi module for why they are safe beside the table's live
 * writer), run on the tables of a directory of Hudi tables ({@code type: hudi, path: DIR}).
 */
public final class HudiMaintenance {

  /** The actions on Hudi tables, in the order they run. */
  public enum Action {
    /** Merges the log files of a merge-on-read table into new base files. */
    COMPACT,
    /** Deletes file slices that neither the latest view nor the newest commits read. */
    CLEAN;

    /** The name as on the command line: {@code compact}. */
    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The action named {@code name}, or null.
     *
     * @throws IllegalArgumentException for {@code cluster}, saying why it is not supported
     */
    public static Action parse(String name) {
      if (name.trim().equalsIgnoreCase("cluster")) {
        throw new IllegalArgumentException(
            "cluster: clustering Hudi tables is not supported. hudi-java-client 1.2.1 has"
                + " a clustering executor, but clustering replaces whole file groups, and a"
                + " live upsert writer that updates a file group being clustered conflicts"
                + " with it unless both run under Hudi's multi-writer concurrency control"
                + " with a lock provider, which lakestream's single writer does not use."
                + " Use compact and clean.");
      }
      for (Action a : values()) {
        if (a.toString().equalsIgnoreCase(name.trim())) {
          return a;
        }
      }
      return null;
    }
  }

  private final Map<String, ?> catalogSection;
  private final Clock clock;

  /**
   * @param catalogSection a directory of Hudi tables: {@code type: hudi, path: DIR}
   */
  public HudiMaintenance(Map<String, ?> catalogSection, Clock clock) {
    this.catalogSection = catalogSection;
    this.clock = clock;
  }

  /**
   * Whether {@code catalogSection} (null for the default catalog) is a directory of Hudi tables.
   */
  public static boolean handles(Map<String, ?> catalogSection) {
    return catalogSection != null && HudiTableServices.handles(catalogSection);
  }

  /**
   * Runs {@code actions} (both when empty) on {@code table}, in {@link Action} order, stopping at
   * the first that fails.
   *
   * @param retainCommits {@code clean} keeps the file slices the newest this many commits read
   * @param dryRun report what would change, change nothing; {@code clean}'s counts are then upper
   *     bounds (the slices that are not the latest of their file group)
   * @throws PipelineException if the table does not exist or an action fails
   */
  public List<ActionResult> run(
      String table,
      Iterable<Action> actions,
      int retainCommits,
      boolean dryRun,
      Consumer<String> progress) {
    EnumSet<Action> chosen = EnumSet.noneOf(Action.class);
    actions.forEach(chosen::add);
    if (chosen.isEmpty()) {
      chosen = EnumSet.allOf(Action.class);
    }
    List<ActionResult> results = new ArrayList<>();
    try (HudiTableServices services =
        HudiTableServices.inCatalog(catalogSection, table, retainCommits)) {
      for (Action action : chosen) {
        if (action == Action.COMPACT && !services.mergeOnRead() && chosen.size() > 1) {
          continue; // nothing to compact; with compact alone, the services say so
        }
        long start = clock.millis();
        Map<String, Long> counts =
            switch (action) {
              case COMPACT -> dryRun ? services.planCompaction() : services.compact(progress);
              case CLEAN -> dryRun ? services.planClean() : services.clean();
            };
        results.add(
            new ActionResult(
                action.toString(),
                table,
                dryRun,
                counts,
                Duration.ofMillis(clock.millis() - start)));
      }
    } catch (PipelineException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new PipelineException(
          "Maintenance of Hudi table " + table + " failed: " + e.getMessage(), e);
    }
    return results;
  }
}
