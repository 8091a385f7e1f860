package io.lakestream.hudi;

import io.lakestream.core.error.PipelineException;
import io.lakestream.core.record.DataType;
import io.lakestream.core.record.Field;
import io.lakestream.core.record.Schema;
import io.lakestream.core.sink.Sink;
import io.lakestream.core.sink.SinkContext;
import io.lakestream.core.sink.SinkFactory;
import io.lakestream.core.sink.TablePlan;
import io.lakestream.core.spec.Problems;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hudi.common.table.HoodieTableMetaClient;

/**
 * The {@code hudi} sink: inserts rows into a Hudi table, or upserts and deletes them by record key,
 * and commits each checkpoint exactly once as one Hudi instant. Options are declared in {@link
 * HudiSinkOptions}.
 */
public final class HudiSinkFactory implements SinkFactory {

  /** The key under {@code sink:} that selects this sink. */
  public static final String TYPE = "hudi";

  private static final String PATH = "sink." + TYPE;

  @Override
  public String type() {
    return TYPE;
  }

  /** Checks the {@code sink.hudi} section: known keys, the path, choices, columns and numbers. */
  @Override
  public void validate(Map<String, Object> config, String path, Problems problems) {
    HudiSinkConfig.parse(config, path, problems);
  }

  /**
   * Checks a table the pipeline will open against the rows it writes, without touching storage: the
   * operation the rows need, and that the record key, ordering field and partition columns are
   * columns of the rows (in upsert mode partition columns must be key columns, so a key never moves
   * between partitions).
   */
  @Override
  public void check(TablePlan plan, Problems problems) {
    String path = plan.sectionPath();
    HudiSinkConfig config = HudiSinkConfig.parse(plan.context().config(), path, problems);
    SinkContext context = plan.context();
    if (context.role() != SinkContext.Role.OUTPUT) {
      return;
    }
    if (plan.upsertsDeclared() && config.operation() != HudiSinkOptions.Operation.UPSERT) {
      problems.add(
          path + "." + HudiSinkOptions.OPERATION.key(),
          "must be upsert: " + plan.reason() + " (given " + choice(config.operation()) + ")");
      return;
    }
    try {
      resolve(context, config, path);
    } catch (PipelineException e) {
      problems.add(plan.tablePath(), e.getMessage());
    }
  }

  /**
   * Opens {@code context.table()} at its base path, creating the Hudi table when absent (with the
   * section's type, key, ordering field, partitions and table version; a side table as an
   * unpartitioned copy-on-write table of generated keys).
   *
   * @throws io.lakestream.core.spec.SpecException if the section is invalid
   * @throws PipelineException if a named column is not in the rows, the pipeline's key and the
   *     section disagree, or the table cannot be created or read
   */
  @Override
  public Sink open(SinkContext context) {
    Problems problems = new Problems();
    HudiSinkConfig config = HudiSinkConfig.parse(context.config(), PATH, problems);
    problems.throwIfAny();
    HudiSinkConfig effective = resolve(context, config, PATH);
    List<String> key = effective.recordKey();
    org.apache.avro.Schema avro =
        AvroRows.schema(
            withGeneratedKey(context.schema(), key.isEmpty()),
            HudiTable.tableName(context.table()) + "_record");
    HudiTable table =
        new HudiTable(
            HudiTable.tableName(context.table()),
            HudiTable.basePath(config, context),
            effective,
            key,
            avro);
    HoodieTableMetaClient meta = table.createOrLoad();
    List<String> existingKey =
        meta.getTableConfig().getRecordKeyFields().map(List::of).orElse(List.of());
    if (!existingKey.equals(table.keyFields())) {
      throw new PipelineException(
          "Hudi table "
              + context.table()
              + " at "
              + table.basePath()
              + " has record key "
              + existingKey
              + ", but the pipeline writes it with "
              + table.keyFields()
              + "; fix sink.hudi.record-key or choose another path");
    }
    TableSyncConfig sync = TableSyncConfig.parse(context.config(), PATH, problems);
    try {
      return new HudiSink(
          table,
          table.fileSystem(),
          context.table(),
          context.schema(),
          context.writer(),
          sync == null ? TableSync.NONE : sync.open(table, context.table()));
    } catch (IOException e) {
      throw new PipelineException(
          "Cannot open Hudi table " + context.table() + " at " + table.basePath() + ": " + e, e);
    }
  }

  /**
   * The section as it applies to this table: a side table appends to an unpartitioned copy-on-write
   * table; the pipeline's own key (window results, keep-last dedupe) makes the output table an
   * upsert table by that key.
   *
   * @throws PipelineException if a named column is missing or the keys disagree
   */
  private static HudiSinkConfig resolve(SinkContext context, HudiSinkConfig config, String path) {
    if (context.role() != SinkContext.Role.OUTPUT) {
      return new HudiSinkConfig(
          config.path(),
          HudiSinkOptions.TableType.COPY_ON_WRITE,
          HudiSinkOptions.Operation.INSERT,
          List.of(),
          null,
          List.of(),
          config.properties(),
          config.tableVersion(),
          HudiSinkOptions.Compaction.INLINE,
          config.compactEvery(),
          config.storage());
    }
    HudiSinkConfig effective = config;
    if (!context.key().isEmpty()) {
      String needed = "[" + String.join(", ", context.key()) + "]";
      if (context.config().containsKey(HudiSinkOptions.OPERATION.key())
          && config.operation() != HudiSinkOptions.Operation.UPSERT) {
        throw new PipelineException(
            "The pipeline's rows are keyed by "
                + needed
                + " (each replaces the earlier version of itself), so Hudi table "
                + context.table()
                + " must be written with operation: upsert; set "
                + path
                + ".operation to upsert or leave it out");
      }
      if (!config.recordKey().isEmpty() && !config.recordKey().equals(context.key())) {
        throw new PipelineException(
            "The pipeline's rows are keyed by "
                + needed
                + ", but "
                + path
                + ".record-key is ["
                + String.join(", ", config.recordKey())
                + "]: make them equal or leave record-key out");
      }
      effective =
          new HudiSinkConfig(
              config.path(),
              config.type(),
              HudiSinkOptions.Operation.UPSERT,
              context.key(),
              config.orderingField(),
              config.partitionBy(),
              config.properties(),
              config.tableVersion(),
              config.compaction(),
              config.compactEvery(),
              config.storage());
    }
    Schema rows = context.schema();
    for (String column : effective.recordKey()) {
      requireColumn(rows, column, path + ".record-key", context.table());
      DataType type = rows.field(rows.position(column).getAsInt()).type();
      if (type instanceof DataType.Struct || type instanceof DataType.ListOf) {
        throw new PipelineException(
            "Record key column \""
                + column
                + "\" of Hudi table "
                + context.table()
                + " is a "
                + type.name()
                + "; a key column must be of a primitive type");
      }
    }
    if (effective.orderingField() != null) {
      requireColumn(rows, effective.orderingField(), path + ".ordering-field", context.table());
    }
    for (String column : effective.partitionBy()) {
      requireColumn(rows, column, path + ".partition-by", context.table());
      if (effective.operation() == HudiSinkOptions.Operation.UPSERT
          && !effective.recordKey().contains(column)) {
        throw new PipelineException(
            "Partition column \""
                + column
                + "\" of Hudi table "
                + context.table()
                + " is not a record key column: with operation upsert every partition column must"
                + " be part of the key, so a key never moves between partitions");
      }
    }
    return effective;
  }

  private static void requireColumn(Schema rows, String column, String option, String table) {
    if (rows.position(column).isEmpty()) {
      List<String> names = new ArrayList<>();
      rows.fields().forEach(f -> names.add(f.name()));
      throw new PipelineException(
          "Column \""
              + column
              + "\" named by "
              + option
              + " is not written to Hudi table "
              + table
              + " (columns: "
              + String.join(", ", names)
              + ")");
    }
  }

  private static Schema withGeneratedKey(Schema rows, boolean generated) {
    if (!generated) {
      return rows;
    }
    List<Field> fields = new ArrayList<>(rows.fields());
    fields.add(Field.optional(HudiTable.GENERATED_KEY, DataType.Primitive.STRING));
    return new Schema(fields);
  }

  private static String choice(Enum<?> value) {
    return io.lakestream.core.spec.SpecOption.choiceName(value);
  }
}
