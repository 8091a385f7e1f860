package io.lakestream.core.decode;

import io.lakestream.core.record.DataType;
import io.lakestream.core.record.DataType.Primitive;
import io.lakestream.core.record.Field;
import io.lakestream.core.record.Schema;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.SchemaParseException;

/**
 * Row schemas from Avro writer schemas, for specs that read Avro without declaring {@code schema}.
 * A union of {@code null} and one type is that type, optional; other unions are not supported.
 */
public final class AvroSchemas {
  private AvroSchemas() {}

  /**
   * Reads an Avro schema file ({@code .avsc}).
   *
   * @throws IllegalArgumentException with a readable message if the file is not an Avro schema
   */
  public static org.apache.avro.Schema read(Path file) {
    try {
      return new org.apache.avro.Schema.Parser().parse(file.toFile());
    } catch (IOException | SchemaParseException e) {
      throw new IllegalArgumentException("is not a readable Avro schema: " + e.getMessage());
    }
  }

  /**
   * The row schema of an Avro record schema.
   *
   * @throws IllegalArgumentException naming the field whose type has no row equivalent
   */
  public static Schema rowSchema(org.apache.avro.Schema record) {
    if (record.getType() != org.apache.avro.Schema.Type.RECORD) {
      throw new IllegalArgumentException("must be an Avro record, not " + record.getType());
    }
    List<Field> fields = new ArrayList<>();
    for (org.apache.avro.Schema.Field f : record.getFields()) {
      org.apache.avro.Schema type = f.schema();
      boolean optional = false;
      if (type.isUnion()) {
        type = nonNullBranch(type, f.name());
        optional = true;
      }
      fields.add(new Field(f.name(), dataType(type, f.name()), !optional, f.doc()));
    }
    return new Schema(fields);
  }

  static org.apache.avro.Schema nonNullBranch(org.apache.avro.Schema union, String path) {
    List<org.apache.avro.Schema> branches =
        union.getTypes().stream()
            .filter(t -> t.getType() != org.apache.avro.Schema.Type.NULL)
            .toList();
    if (branches.size() != 1 || branches.size() == union.getTypes().size()) {
      throw new IllegalArgumentException(
          "field " + path + ": only unions of null and one type are supported, not " + union);
    }
    return branches.get(0);
  }

  private static DataType dataType(org.apache.avro.Schema s, String path) {
    LogicalType logical = s.getLogicalType();
    if (logical instanceof LogicalTypes.Decimal d) {
      return new DataType.Decimal(d.getPrecision(), d.getScale());
    }
    if (logical instanceof LogicalTypes.Date) {
      return Primitive.DATE;
    }
    if (logical instanceof LogicalTypes.TimestampMillis
        || logical instanceof LogicalTypes.TimestampMicros) {
      return Primitive.TIMESTAMP;
    }
    return switch (s.getType()) {
      case BOOLEAN -> Primitive.BOOLEAN;
      case INT -> Primitive.INT;
      case LONG -> Primitive.LONG;
      case FLOAT -> Primitive.FLOAT;
      case DOUBLE -> Primitive.DOUBLE;
      case STRING, ENUM -> Primitive.STRING;
      case BYTES, FIXED -> Primitive.BINARY;
      case RECORD -> new DataType.Struct(rowSchema(s));
      case ARRAY -> {
        org.apache.avro.Schema element = s.getElementType();
        boolean optional = element.isUnion();
        org.apache.avro.Schema type = optional ? nonNullBranch(element, path + "[]") : element;
        yield new DataType.ListOf(dataType(type, path + "[]"), !optional);
      }
      default ->
          throw new IllegalArgumentException(
              "field " + path + ": Avro type " + s.getType().getName() + " is not supported");
    };
  }
}
