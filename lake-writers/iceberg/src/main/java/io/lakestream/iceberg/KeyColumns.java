package io.lakestream.iceberg;

import io.lakestream.core.error.PipelineException;
import io.lakestream.core.record.DataType;
import io.lakestream.core.record.Field;
import io.lakestream.core.record.Schema;
import io.lakestream.core.sink.SinkContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Table;

/**
 * The checks of upsert mode's {@code key} that need the pipeline's schema or the table, made when
 * the sink opens. Iceberg calls key columns identifier fields: they must be required columns of a
 * primitive type other than float and double, and every partition column must be one of them so
 * that all rows of one key live in one partition.
 */
final class KeyColumns {
  private KeyColumns() {}

  /**
   * The key columns for this table: the pipeline's key when its rows are keyed (window results),
   * else {@code key} in upsert mode; none for append or side tables.
   *
   * @throws PipelineException if the pipeline's rows are keyed and the section asks for append mode
   *     or another key
   */
  static List<String> of(SinkContext context, SinkConfig config) {
    if (context.role() != SinkContext.Role.OUTPUT) {
      return List.of();
    }
    if (context.key().isEmpty()) {
      return config.mode() == IcebergSinkOptions.Mode.UPSERT ? config.key() : List.of();
    }
    String needed = "[" + String.join(", ", context.key()) + "]";
    if (context.config().containsKey(IcebergSinkOptions.MODE.key())
        && config.mode() != IcebergSinkOptions.Mode.UPSERT) {
      throw new PipelineException(
          "The pipeline's rows are keyed by "
              + needed
              + " (each replaces the earlier version of itself), so table "
              + context.table()
              + " must be written in upsert mode: set sink.iceberg.mode to upsert or leave it out");
    }
    if (!config.key().isEmpty() && !config.key().equals(context.key())) {
      throw new PipelineException(
          "The pipeline's rows are keyed by "
              + needed
              + ", but sink.iceberg.key is ["
              + String.join(", ", config.key())
              + "]: make them equal or leave sink.iceberg.key out");
    }
    return context.key();
  }

  /**
   * The pipeline's schema with every key column required, which Iceberg demands of identifier
   * fields; a row whose key is null is refused by the writer.
   *
   * @throws PipelineException if a key column is not a top-level column of {@code rows} or has a
   *     type a key cannot have
   */
  static Schema requireKeys(Schema rows, List<String> key, String table) {
    for (String column : key) {
      if (rows.position(column).isEmpty()) {
        throw new PipelineException(
            "Key column \""
                + column
                + "\" of table "
                + table
                + " is not in the pipeline's schema (columns: "
                + String.join(", ", rows.fields().stream().map(Field::name).toList())
                + "); fix sink.iceberg.key");
      }
      DataType type = rows.field(rows.position(column).getAsInt()).type();
      if (type instanceof DataType.Struct
          || type instanceof DataType.ListOf
          || type == DataType.Primitive.FLOAT
          || type == DataType.Primitive.DOUBLE) {
        throw new PipelineException(
            "Key column \""
                + column
                + "\" of table "
                + table
                + " cannot be a key: Iceberg keys are columns of a primitive type other than float"
                + " and double");
      }
    }
    List<Field> fields = new ArrayList<>(rows.size());
    for (Field f : rows.fields()) {
      fields.add(key.contains(f.name()) ? new Field(f.name(), f.type(), true, f.doc()) : f);
    }
    return new Schema(fields);
  }

  /**
   * Checks that every partition column is a key column.
   *
   * @param partitionColumns the source columns of the table's partition fields
   * @throws PipelineException naming the first partition column that is not in the key
   */
  static void requirePartitionColumnsInKey(
      List<String> partitionColumns, List<String> key, String table) {
    for (String column : partitionColumns) {
      if (!key.contains(column)) {
        throw new PipelineException(
            "Iceberg requires partition columns to be part of the key: table "
                + table
                + " is partitioned by column \""
                + column
                + "\", which is not in the key "
                + key
                + "; add it to sink.iceberg.key or partition by key columns only");
      }
    }
  }

  /** The source columns of {@code spec}'s fields, in order. */
  static List<String> partitionColumns(PartitionSpec spec) {
    Set<String> columns = new LinkedHashSet<>();
    spec.fields().forEach(f -> columns.add(spec.schema().findColumnName(f.sourceId())));
    return List.copyOf(columns);
  }

  /**
   * Checks that an existing table's identifier fields are exactly the key columns.
   *
   * @throws PipelineException if the table has no identifier fields or others
   */
  static void requireIdentifierFields(Table table, List<String> key, String tableName) {
    Set<String> identifiers = table.schema().identifierFieldNames();
    if (identifiers.isEmpty()) {
      throw new PipelineException(
          "Table "
              + tableName
              + " has no identifier fields, so it cannot be written in upsert mode with key "
              + key
              + "; set its identifier fields to "
              + key
              + " or write to a new table");
    }
    if (!identifiers.equals(new HashSet<>(key))) {
      throw new PipelineException(
          "Table "
              + tableName
              + " has identifier fields "
              + identifiers.stream().sorted().toList()
              + " but sink.iceberg.key is "
              + key
              + "; they must be the same columns");
    }
  }
}
