package io.lakestream.cdc.debezium;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakestream.core.record.DataType;
import io.lakestream.core.record.DataType.Primitive;

/**
 * The row type a field of a Kafka Connect schema (as Debezium writes it) becomes, for columns the
 * pipeline learns from the events rather than from its spec.
 */
final class ConnectTypes {
  private ConnectTypes() {}

  /** The type of {@code field}, or null for shapes with no column type (structs, arrays, maps). */
  static DataType of(JsonNode field) {
    String type = field.path("type").asText("");
    switch (SemanticType.of(field.path("name").isTextual() ? field.path("name").asText() : null)) {
      case DATE_DAYS:
      case DATE_STRING:
        return Primitive.DATE;
      case TIMESTAMP_MILLIS:
      case TIMESTAMP_MICROS:
      case TIMESTAMP_NANOS:
      case TIMESTAMP_STRING:
        return Primitive.TIMESTAMP;
      case DECIMAL:
        int scale = Integer.parseInt(field.path("parameters").path("scale").asText("0"));
        return new DataType.Decimal(38, Math.min(scale, 38));
      case TIME_OF_DAY:
      case VARIABLE_SCALE_DECIMAL:
        return null;
      default:
        break;
    }
    return switch (type) {
      case "int8", "int16", "int32" -> Primitive.INT;
      case "int64" -> Primitive.LONG;
      case "float32" -> Primitive.FLOAT;
      case "float64" -> Primitive.DOUBLE;
      case "boolean" -> Primitive.BOOLEAN;
      case "string" -> Primitive.STRING;
      case "bytes" -> Primitive.BINARY;
      default -> null;
    };
  }
}
