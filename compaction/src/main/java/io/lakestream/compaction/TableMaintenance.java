package io.lakestream.compaction;

import io.lakestream.catalog.Catalogs;
import io.lakestream.core.error.PipelineException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.NoSuchTableException;

/**
 * Runs maintenance actions on the tables of one catalog, one table after the other and the actions
 * of a table in the order given. Owns a catalog connection; close it.
 */
public final class TableMaintenance implements AutoCloseable {
  private final Catalog catalog;

  /**
   * @param catalogSection a {@code catalog} section as in a sink spec, null for the default catalog
   * @throws io.lakestream.core.spec.SpecException if the section is invalid
   * @throws PipelineException if the catalog cannot be loaded
   */
  public TableMaintenance(Map<String, ?> catalogSection) {
    this.catalog = Catalogs.load(catalogSection);
  }

  /**
   * Runs {@code actions} on {@code table}, stopping at the first that fails.
   *
   * @param table {@code namespace.name}
   * @param progress receives progress lines of long work
   * @throws PipelineException if the table does not exist or an action fails
   */
  public List<ActionResult> run(
      String table, List<MaintenanceAction> actions, boolean dryRun, Consumer<String> progress) {
    Table loaded = load(table);
    List<ActionResult> results = new ArrayList<>(actions.size());
    for (MaintenanceAction action : actions) {
      results.add(action.run(loaded, dryRun, progress));
    }
    return results;
  }

  /**
   * Loads {@code table} afresh: every call returns a new instance.
   *
   * @throws PipelineException if the table does not exist
   */
  public Table load(String table) {
    try {
      return catalog.loadTable(TableIdentifier.parse(table));
    } catch (NoSuchTableException e) {
      throw new PipelineException(
          "Table " + table + " does not exist in catalog " + catalog.name(), e);
    }
  }

  @Override
  public void close() {
    if (catalog instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        throw new PipelineException("Cannot close catalog " + catalog.name(), e);
      }
    }
  }
}
