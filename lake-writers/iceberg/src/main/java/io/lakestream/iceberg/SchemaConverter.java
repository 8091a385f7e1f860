package io.lakestream.iceberg;

import io.lakestream.core.error.PipelineException;
import io.lakestream.core.record.DataType;
import io.lakestream.core.record.Field;
import io.lakestream.core.record.Schema;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * Converts the pipeline's row schema to an Iceberg schema, and checks that an existing table can
 * take the pipeline's rows.
 *
 * <p>Type mapping: boolean, int → integer, long, float, double, string, binary, date, timestamp →
 * {@code timestamptz} (rows hold UTC instants), decimal(p,s), struct, list. A required field is a
 * required column.
 */
final class SchemaConverter {
  private SchemaConverter() {}

  /** The Iceberg schema for a new table holding rows of {@code schema}. */
  static org.apache.iceberg.Schema toIceberg(Schema schema) {
    AtomicInteger ids = new AtomicInteger(0);
    return new org.apache.iceberg.Schema(toStruct(schema, ids).fields());
  }

  private static Types.StructType toStruct(Schema schema, AtomicInteger ids) {
    // top-level ids first, then nested ones, like Iceberg assigns them
    int[] fieldIds = new int[schema.size()];
    for (int i = 0; i < schema.size(); i++) {
      fieldIds[i] = ids.incrementAndGet();
    }
    List<Types.NestedField> fields = new ArrayList<>(schema.size());
    for (int i = 0; i < schema.size(); i++) {
      Field f = schema.field(i);
      fields.add(
          Types.NestedField.builder()
              .withId(fieldIds[i])
              .withName(f.name())
              .isOptional(!f.required())
              .ofType(toType(f.type(), ids))
              .withDoc(f.doc())
              .build());
    }
    return Types.StructType.of(fields);
  }

  private static Type toType(DataType type, AtomicInteger ids) {
    if (type instanceof DataType.Primitive p) {
      return switch (p) {
        case BOOLEAN -> Types.BooleanType.get();
        case INT -> Types.IntegerType.get();
        case LONG -> Types.LongType.get();
        case FLOAT -> Types.FloatType.get();
        case DOUBLE -> Types.DoubleType.get();
        case STRING -> Types.StringType.get();
        case BINARY -> Types.BinaryType.get();
        case DATE -> Types.DateType.get();
        case TIMESTAMP -> Types.TimestampType.withZone();
      };
    }
    if (type instanceof DataType.Decimal d) {
      return Types.DecimalType.of(d.precision(), d.scale());
    }
    if (type instanceof DataType.Struct s) {
      return toStruct(s.schema(), ids);
    }
    DataType.ListOf l = (DataType.ListOf) type;
    int elementId = ids.incrementAndGet();
    Type element = toType(l.element(), ids);
    return l.elementRequired()
        ? Types.ListType.ofRequired(elementId, element)
        : Types.ListType.ofOptional(elementId, element);
  }

  /**
   * The schema data files are written with: the table's columns (with the table's field ids) that
   * the pipeline writes, in the order of the pipeline's row fields at every level, so that a row's
   * positions are the file schema's positions. Columns of the table the pipeline does not write
   * must be optional; readers see them as null.
   *
   * @throws PipelineException listing every incompatibility when the table cannot take the rows
   */
  static org.apache.iceberg.Schema writeSchema(
      Schema rows, org.apache.iceberg.Schema table, String tableName) {
    List<String> problems = new ArrayList<>();
    Types.StructType struct = project(rows, table.asStruct(), "", problems);
    if (!problems.isEmpty()) {
      throw new PipelineException(
          "Table "
              + tableName
              + " cannot take the pipeline's rows: "
              + String.join("; ", problems)
              + ". Change the pipeline's schema or write to another table.");
    }
    return new org.apache.iceberg.Schema(struct.fields());
  }

  private static Types.StructType project(
      Schema rows, Types.StructType table, String prefix, List<String> problems) {
    List<Types.NestedField> fields = new ArrayList<>(rows.size());
    for (Field f : rows.fields()) {
      String name = prefix + f.name();
      Types.NestedField column = table.field(f.name());
      if (column == null) {
        problems.add("column \"" + name + "\" is missing from the table");
        continue;
      }
      if (column.isRequired() && !f.required()) {
        problems.add(
            "column \"" + name + "\" is required in the table but optional in the pipeline");
      }
      Type type = projectType(f.type(), column.type(), name, problems);
      if (type != null) {
        fields.add(
            Types.NestedField.builder()
                .withId(column.fieldId())
                .withName(column.name())
                .isOptional(column.isOptional())
                .ofType(type)
                .withDoc(column.doc())
                .build());
      }
    }
    Set<String> written = rows.fields().stream().map(Field::name).collect(Collectors.toSet());
    for (Types.NestedField column : table.fields()) {
      if (column.isRequired() && !written.contains(column.name())) {
        problems.add(
            "column \""
                + prefix
                + column.name()
                + "\" is required in the table but the pipeline does not write it");
      }
    }
    return Types.StructType.of(fields);
  }

  private static Type projectType(
      DataType rowType, Type tableType, String name, List<String> problems) {
    if (rowType instanceof DataType.Struct s) {
      if (tableType.isStructType()) {
        return project(s.schema(), tableType.asStructType(), name + ".", problems);
      }
    } else if (rowType instanceof DataType.ListOf l) {
      if (tableType.isListType()) {
        Types.ListType list = tableType.asListType();
        if (list.isElementRequired() && !l.elementRequired()) {
          problems.add(
              "elements of column \""
                  + name
                  + "\" are required in the table but optional in the pipeline");
        }
        Type element = projectType(l.element(), list.elementType(), name + ".element", problems);
        if (element == null) {
          return null;
        }
        return list.isElementOptional()
            ? Types.ListType.ofOptional(list.elementId(), element)
            : Types.ListType.ofRequired(list.elementId(), element);
      }
    } else {
      Type expected = toType(rowType, new AtomicInteger());
      if (expected.equals(tableType)) {
        return tableType;
      }
    }
    problems.add(
        "column \""
            + name
            + "\" is "
            + typeName(tableType)
            + " in the table but the pipeline writes "
            + typeName(toType(rowType, new AtomicInteger())));
    return null;
  }

  /** A type as users read it: {@code timestamptz}, {@code decimal(10, 2)}, {@code list<string>}. */
  static String typeName(Type type) {
    if (type.isStructType()) {
      return type.asStructType().fields().stream()
          .map(f -> f.name() + ": " + typeName(f.type()) + (f.isRequired() ? " not null" : ""))
          .collect(Collectors.joining(", ", "struct<", ">"));
    }
    if (type.isListType()) {
      return "list<" + typeName(type.asListType().elementType()) + ">";
    }
    if (type.isMapType()) {
      return "map<"
          + typeName(type.asMapType().keyType())
          + ", "
          + typeName(type.asMapType().valueType())
          + ">";
    }
    return type.toString();
  }
}
