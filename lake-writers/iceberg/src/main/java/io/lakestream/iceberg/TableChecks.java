package io.lakestream.iceberg;

import io.lakestream.core.record.DataType;
import io.lakestream.core.record.Field;
import io.lakestream.core.record.Schema;
import io.lakestream.core.sink.SinkContext;
import io.lakestream.core.sink.TablePlan;
import io.lakestream.core.spec.Problems;
import io.lakestream.core.spec.SpecOption;
import java.util.List;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.catalog.TableIdentifier;

/**
 * The checks of one table against the rows the pipeline writes to it, made from the spec alone (no
 * catalog): the table name, the write mode the rows need, the key columns and the partition
 * columns. {@link IcebergSinkFactory#check} reports them as spec problems with their paths.
 */
final class TableChecks {
  private TableChecks() {}

  static void check(TablePlan plan, SinkConfig config, Problems problems) {
    SinkContext context = plan.context();
    if (!tableName(plan, problems)) {
      return;
    }
    if (context.role() != SinkContext.Role.OUTPUT) {
      return;
    }
    List<String> key = key(plan, config, problems);
    if (key == null) {
      return;
    }
    keyColumns(plan, config, key, problems);
    partitionColumns(plan, config, key, problems);
  }

  /**
   * Whether the table name is {@code namespace.name}; the output table's name was checked with the
   * section, side tables' names (late records, dead letters) are checked here.
   */
  private static boolean tableName(TablePlan plan, Problems problems) {
    String table = plan.context().table();
    TableIdentifier id = TableIdentifier.parse(table);
    if (!id.hasNamespace() || id.name().isEmpty()) {
      problems.add(
          plan.tablePath(),
          "must be namespace.name, e.g. analytics.orders (given \"" + table + "\")");
      return false;
    }
    return true;
  }

  /** The key columns of the output table, or null after reporting that they cannot be known. */
  private static List<String> key(TablePlan plan, SinkConfig config, Problems problems) {
    SinkContext context = plan.context();
    String section = plan.sectionPath();
    boolean upsert = config.mode() == IcebergSinkOptions.Mode.UPSERT;
    if (plan.upsertsDeclared() && !upsert) {
      String keyHint =
          context.key().isEmpty()
              ? "the table's primary key"
              : "[" + String.join(", ", context.key()) + "]";
      problems.add(
          section + "." + IcebergSinkOptions.MODE.key(),
          "must be upsert: "
              + plan.reason()
              + ", and appending them would keep every version; set mode: upsert and key: "
              + keyHint
              + " (given "
              + SpecOption.choiceName(config.mode())
              + (context.config().containsKey(IcebergSinkOptions.MODE.key()) ? "" : ", the default")
              + ")");
      return null;
    }
    if (context.key().isEmpty()) {
      return upsert ? config.key() : List.of();
    }
    String needed = "[" + String.join(", ", context.key()) + "]";
    if (context.config().containsKey(IcebergSinkOptions.MODE.key()) && !upsert) {
      problems.add(
          section + "." + IcebergSinkOptions.MODE.key(),
          "must be upsert or left out: the pipeline's rows are keyed by "
              + needed
              + " and each replaces the earlier version of itself (given "
              + SpecOption.choiceName(config.mode())
              + ")");
      return null;
    }
    if (!config.key().isEmpty() && !config.key().equals(context.key())) {
      problems.add(
          section + "." + IcebergSinkOptions.KEY.key(),
          "must be "
              + needed
              + " or left out: the pipeline's rows are keyed by "
              + needed
              + " (given ["
              + String.join(", ", config.key())
              + "])");
      return null;
    }
    return context.key();
  }

  private static void keyColumns(
      TablePlan plan, SinkConfig config, List<String> key, Problems problems) {
    Schema rows = plan.context().schema();
    for (int i = 0; i < key.size(); i++) {
      String column = key.get(i);
      String at = plan.sectionPath() + "." + IcebergSinkOptions.KEY.key() + "[" + i + "]";
      if (rows.position(column).isEmpty()) {
        problems.add(
            at,
            "column \""
                + column
                + "\" is not in the rows the pipeline writes (columns: "
                + columnNames(rows)
                + ")");
        continue;
      }
      DataType type = rows.field(rows.position(column).getAsInt()).type();
      if (type instanceof DataType.Struct
          || type instanceof DataType.ListOf
          || type == DataType.Primitive.FLOAT
          || type == DataType.Primitive.DOUBLE) {
        problems.add(
            at,
            "column \""
                + column
                + "\" cannot be a key: Iceberg keys are columns of a primitive type other than"
                + " float and double");
      }
    }
  }

  private static void partitionColumns(
      TablePlan plan, SinkConfig config, List<String> key, Problems problems) {
    org.apache.iceberg.Schema schema = SchemaConverter.toIceberg(plan.context().schema());
    PartitionSpec.Builder builder = PartitionSpec.builderFor(schema);
    List<PartitionField> fields = config.partitionBy();
    for (int i = 0; i < fields.size(); i++) {
      String at = plan.sectionPath() + "." + IcebergSinkOptions.PARTITION_BY.key() + "[" + i + "]";
      PartitionField field = fields.get(i);
      try {
        field.addTo(builder, schema);
      } catch (IllegalArgumentException e) {
        problems.add(at, e.getMessage().replace("the schema", "the rows the pipeline writes"));
        continue;
      }
      if (!key.isEmpty() && !key.contains(field.column())) {
        problems.add(
            at,
            "column \""
                + field.column()
                + "\" is not in the key "
                + key
                + ": Iceberg requires partition columns to be key columns; add it to key or"
                + " partition by key columns only");
      }
    }
  }

  private static String columnNames(Schema rows) {
    return String.join(", ", rows.fields().stream().map(Field::name).toList());
  }
}
