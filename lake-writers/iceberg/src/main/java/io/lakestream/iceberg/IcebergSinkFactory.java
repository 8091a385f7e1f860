package io.lakestream.iceberg;

import io.lakestream.catalog.Catalogs;
import io.lakestream.core.error.PipelineException;
import io.lakestream.core.sink.BranchTable;
import io.lakestream.core.sink.Sink;
import io.lakestream.core.sink.SinkContext;
import io.lakestream.core.sink.SupportsBranches;
import io.lakestream.core.sink.TablePlan;
import io.lakestream.core.spec.Problems;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.PartitionField;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;

/**
 * The {@code iceberg} sink: appends rows to an Iceberg table, or upserts and deletes them by key,
 * and commits each checkpoint exactly once. Options are declared in {@link IcebergSinkOptions}.
 */
public final class IcebergSinkFactory implements SupportsBranches {

  /** The key under {@code sink:} that selects this sink. */
  public static final String TYPE = "iceberg";

  private static final String PATH = "sink." + TYPE;

  @Override
  public String type() {
    return TYPE;
  }

  /**
   * Checks the {@code sink.iceberg} section: known keys, a {@code namespace.name} table, the syntax
   * of every partition transform (columns are checked by {@link #check}), sizes, table properties,
   * the mode, and the catalog section.
   */
  @Override
  public void validate(Map<String, Object> config, String path, Problems problems) {
    SinkConfig.parse(config, path, problems);
  }

  /**
   * Checks a table the pipeline will open against the rows it writes, without a catalog: the table
   * name, the mode the rows need (upsert for change formats and keep-last dedupe, said in the
   * section), the key columns, and that every partition transform applies to a column of the rows
   * (and, with a key, to a key column).
   */
  @Override
  public void check(TablePlan table, Problems problems) {
    SinkConfig config = SinkConfig.parse(table.context().config(), table.sectionPath(), problems);
    TableChecks.check(table, config, problems);
  }

  /**
   * Opens {@code context.table()}: loads the catalog, creates the namespace and the table when
   * absent (format version 2; the output table with {@code partition-by}, a dead-letter table by
   * {@code day(failed_at)}; the configured properties), and checks that an existing table can take
   * rows of {@code context.schema()} (same names and types; extra optional table columns are fine).
   *
   * @throws io.lakestream.core.spec.SpecException if the section is invalid
   *     <p>In upsert mode every key column must be in {@code context.schema()} (it becomes
   *     required), every partition column must be a key column, a new table gets the key columns as
   *     identifier fields and an existing one must have exactly those.
   * @throws PipelineException if the catalog fails, a partition column is not in the schema, the
   *     existing table cannot take the rows, or (upsert mode) a key check fails
   */
  @Override
  public Sink open(SinkContext context) {
    Problems problems = new Problems();
    SinkConfig config = SinkConfig.parse(context.config(), PATH, problems);
    problems.throwIfAny();
    List<String> key = KeyColumns.of(context, config);
    SinkContext rows =
        key.isEmpty()
            ? context
            : new SinkContext(
                context.writer(),
                context.config(),
                context.table(),
                KeyColumns.requireKeys(context.schema(), key, context.table()),
                context.role());
    Catalog catalog = Catalogs.load(config.catalog());
    try {
      Table writeTable = TableSetup.loadOrCreate(catalog, rows, config, key, PATH);
      if (!key.isEmpty()) {
        KeyColumns.requirePartitionColumnsInKey(
            KeyColumns.partitionColumns(writeTable.spec()), key, context.table());
      }
      // a keyed table follows new trailing columns of its rows (a change source gained them)
      io.lakestream.core.record.Schema known =
          key.isEmpty() ? rows.schema() : knownPrefix(rows.schema(), writeTable.schema());
      Schema fileSchema = SchemaConverter.writeSchema(known, writeTable.schema(), context.table());
      io.lakestream.core.record.Schema newColumns =
          known.size() < rows.schema().size() ? rows.schema() : null;
      for (PartitionField field : writeTable.spec().fields()) {
        if (fileSchema.findField(field.sourceId()) == null) {
          throw new PipelineException(
              "Table "
                  + context.table()
                  + " is partitioned by column \""
                  + writeTable.schema().findColumnName(field.sourceId())
                  + "\", which the pipeline does not write");
        }
      }
      Table commitTable = catalog.loadTable(TableSetup.identifier(context.table()));
      return new IcebergSink(
          catalog,
          context.table(),
          writeTable,
          ((HasTableOperations) writeTable).operations(),
          commitTable,
          ((HasTableOperations) commitTable).operations(),
          fileSchema,
          config.targetFileSize(),
          context.writer(),
          context.branch(),
          key,
          config.keyIndexKeys(),
          newColumns);
    } catch (RuntimeException e) {
      closeQuietly(catalog, e);
      if (e instanceof PipelineException) {
        throw e;
      }
      throw new PipelineException(
          "Cannot open table "
              + context.table()
              + " in catalog "
              + Catalogs.catalogName(config.catalog())
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /** Opens the branch {@code context.branch()} of the existing table {@code context.table()}. */
  @Override
  public BranchTable openBranch(SinkContext context) {
    Problems problems = new Problems();
    SinkConfig config = SinkConfig.parse(context.config(), PATH, problems);
    problems.throwIfAny();
    Catalog catalog = Catalogs.load(config.catalog());
    try {
      Table table = catalog.loadTable(TableSetup.identifier(context.table()));
      return new IcebergBranchTable(catalog, table, context.table(), context.branch());
    } catch (RuntimeException e) {
      closeQuietly(catalog, e);
      throw new PipelineException(
          "Cannot open table "
              + context.table()
              + " for branch "
              + context.branch()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /** The leading columns of {@code rows} up to the first one the table does not have. */
  private static io.lakestream.core.record.Schema knownPrefix(
      io.lakestream.core.record.Schema rows, Schema table) {
    int n = 0;
    while (n < rows.size() && table.findField(rows.field(n).name()) != null) {
      n++;
    }
    return new io.lakestream.core.record.Schema(rows.fields().subList(0, n));
  }

  private static void closeQuietly(Catalog catalog, RuntimeException failure) {
    if (catalog instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        failure.addSuppressed(e);
      }
    }
  }
}
