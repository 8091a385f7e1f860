package io.lakestream.iceberg;

import io.lakestream.core.error.PipelineException;
import io.lakestream.core.record.Field;
import io.lakestream.core.record.Schema;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.TypeUtil;
import org.apache.iceberg.types.Types;

/**
 * How a table's file schema follows its rows' new shape: new columns (optional, with the next field
 * ids) and types widened the way Iceberg allows, applied to the table by {@link #apply} in the same
 * commit as the files written with it.
 */
final class SchemaEvolution {
  private SchemaEvolution() {}

  /**
   * The file schema for rows of {@code rows}, evolved from {@code current}.
   *
   * @param lastColumnId the highest field id the table has assigned; new columns get the next ones
   * @param tableSchema the table's schema: a new row column it already has (added by another run or
   *     task) keeps its field id
   * @throws PipelineException if a column was renamed, reordered or changed incompatibly
   */
  static org.apache.iceberg.Schema evolve(
      org.apache.iceberg.Schema current,
      Schema rows,
      int lastColumnId,
      org.apache.iceberg.Schema tableSchema,
      String table) {
    List<Types.NestedField> columns = current.columns();
    if (rows.size() < columns.size()) {
      throw incompatible(table, "it has fewer columns than the table's files");
    }
    List<Types.NestedField> evolved = new ArrayList<>();
    int nextId = Math.max(lastColumnId, current.highestFieldId()) + 1;
    for (int i = 0; i < rows.size(); i++) {
      Field f = rows.field(i);
      Type type = icebergType(f);
      if (i < columns.size()) {
        Types.NestedField old = columns.get(i);
        if (!old.name().equals(f.name())) {
          throw incompatible(
              table,
              "column " + (i + 1) + " is now \"" + f.name() + "\", was \"" + old.name() + "\"");
        }
        if (!old.type().equals(type)) {
          if (!old.type().isPrimitiveType()
              || !type.isPrimitiveType()
              || !TypeUtil.isPromotionAllowed(old.type(), type.asPrimitiveType())) {
            throw incompatible(
                table,
                "column \""
                    + f.name()
                    + "\" changed from "
                    + old.type()
                    + " to "
                    + type
                    + ", which Iceberg cannot widen");
          }
          evolved.add(Types.NestedField.of(old.fieldId(), old.isOptional(), old.name(), type));
        } else {
          evolved.add(old);
        }
      } else if (tableSchema.findField(f.name()) != null) {
        Types.NestedField existing = tableSchema.findField(f.name());
        if (!existing.type().equals(type)
            && !(existing.type().isPrimitiveType()
                && type.isPrimitiveType()
                && TypeUtil.isPromotionAllowed(existing.type(), type.asPrimitiveType()))) {
          throw incompatible(
              table,
              "column \""
                  + f.name()
                  + "\" is "
                  + type
                  + " in the rows but "
                  + existing.type()
                  + " in the table");
        }
        evolved.add(Types.NestedField.optional(existing.fieldId(), f.name(), type));
      } else {
        evolved.add(Types.NestedField.optional(nextId++, f.name(), type));
      }
    }
    return new org.apache.iceberg.Schema(evolved);
  }

  /**
   * Changes {@code update} from {@code table}'s schema to {@code target}: adds its new columns and
   * widens types, checking that new columns get the field ids the files were written with.
   */
  static void apply(
      org.apache.iceberg.UpdateSchema update,
      org.apache.iceberg.Schema table,
      org.apache.iceberg.Schema target) {
    for (Types.NestedField f : target.columns()) {
      Types.NestedField existing = table.findField(f.fieldId());
      if (existing == null) {
        update.addColumn(f.name(), f.type(), f.doc());
      } else if (!existing.type().equals(f.type())) {
        update.updateColumn(f.name(), f.type().asPrimitiveType());
      }
    }
  }

  /** Fails if the table assigned other ids to the new columns than the files carry. */
  static void checkIds(org.apache.iceberg.Schema applied, org.apache.iceberg.Schema target) {
    for (Types.NestedField f : target.columns()) {
      Types.NestedField got = applied.findField(f.name());
      if (got == null || got.fieldId() != f.fieldId()) {
        throw new PipelineException(
            "Column \""
                + f.name()
                + "\" got field id "
                + (got == null ? "none" : got.fieldId())
                + " but the data files use "
                + f.fieldId()
                + ": the table's schema was changed by another writer");
      }
    }
  }

  private static Type icebergType(Field f) {
    return SchemaConverter.toIceberg(new Schema(List.of(f))).columns().get(0).type();
  }

  private static PipelineException incompatible(String table, String what) {
    return new PipelineException(
        "The rows of table "
            + table
            + " changed in a way it cannot follow: "
            + what
            + ". New columns and widened types are followed; anything else needs a new table.");
  }
}
