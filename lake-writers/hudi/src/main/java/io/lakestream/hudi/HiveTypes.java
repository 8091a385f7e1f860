package io.lakestream.hudi;

import java.util.stream.Collectors;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;

/**
 * Hive type names of the Avro types lakestream writes to Hudi ({@link AvroRows}), as a metastore
 * records a table's columns: {@code bigint}, {@code decimal(10,2)}, {@code array<string>}, {@code
 * struct<a:int,b:string>}.
 */
final class HiveTypes {
  private HiveTypes() {}

  /**
   * The Hive type of a column of Avro type {@code avro}; an optional type is its non-null branch.
   */
  static String of(Schema avro) {
    Schema type = AvroRows.nonNull(avro);
    LogicalType logical = type.getLogicalType();
    if (logical instanceof LogicalTypes.Decimal d) {
      return "decimal(" + d.getPrecision() + "," + d.getScale() + ")";
    }
    if (logical instanceof LogicalTypes.Date) {
      return "date";
    }
    if (logical instanceof LogicalTypes.TimestampMicros
        || logical instanceof LogicalTypes.TimestampMillis) {
      return "timestamp";
    }
    return switch (type.getType()) {
      case BOOLEAN -> "boolean";
      case INT -> "int";
      case LONG -> "bigint";
      case FLOAT -> "float";
      case DOUBLE -> "double";
      case STRING, ENUM -> "string";
      case BYTES, FIXED -> "binary";
      case ARRAY -> "array<" + of(type.getElementType()) + ">";
      case MAP -> "map<string," + of(type.getValueType()) + ">";
      case RECORD ->
          type.getFields().stream()
              .map(f -> f.name() + ":" + of(f.schema()))
              .collect(Collectors.joining(",", "struct<", ">"));
      default -> throw new IllegalArgumentException("No Hive type for Avro type " + type);
    };
  }

  /**
   * The Hive type of a partition column: its own type where a partition path holds its value as
   * that type writes it ({@code string}, {@code int}, {@code bigint}, {@code boolean}), else {@code
   * string}, since Hudi's key generator writes other values (timestamps as numbers) in forms a
   * reader would not parse.
   */
  static String ofPartitionColumn(Schema avro) {
    String type = of(avro);
    return switch (type) {
      case "string", "int", "bigint", "boolean" -> type;
      default -> "string";
    };
  }
}
