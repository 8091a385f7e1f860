package io.lakestream.cdc.debezium;

/**
 * What a Kafka Connect schema name ({@code name} in a JSON envelope schema, {@code connect.name} in
 * an Avro one) says about how a value is encoded, as far as decoding into rows cares. Debezium
 * documents these names per connector under "data type mappings".
 */
enum SemanticType {
  /**
   * No name, or a name that changes nothing about the encoding (e.g. {@code
   * io.debezium.data.Json}).
   */
  NONE,
  /** int32 days since the epoch: {@code io.debezium.time.Date}, Connect's {@code Date}. */
  DATE_DAYS,
  /** A string date, {@code io.debezium.time.IsoDate}. */
  DATE_STRING,
  /**
   * int64 milliseconds since the epoch: {@code io.debezium.time.Timestamp}, Connect's {@code
   * Timestamp}.
   */
  TIMESTAMP_MILLIS,
  /** int64 microseconds since the epoch: {@code io.debezium.time.MicroTimestamp}. */
  TIMESTAMP_MICROS,
  /** int64 nanoseconds since the epoch: {@code io.debezium.time.NanoTimestamp}. */
  TIMESTAMP_NANOS,
  /**
   * An ISO-8601 string: {@code io.debezium.time.ZonedTimestamp} (with offset), {@code
   * IsoTimestamp}.
   */
  TIMESTAMP_STRING,
  /** A time of day in any encoding; there is no row type for it except the raw value. */
  TIME_OF_DAY,
  /**
   * Connect's {@code Decimal}: big-endian two's-complement unscaled bytes, scale in the parameters.
   */
  DECIMAL,
  /** {@code io.debezium.data.VariableScaleDecimal}: a struct of {@code scale} and {@code value}. */
  VARIABLE_SCALE_DECIMAL;

  static final String CONNECT_DECIMAL = "org.apache.kafka.connect.data.Decimal";

  static SemanticType of(String name) {
    if (name == null) {
      return NONE;
    }
    return switch (name) {
      case "io.debezium.time.Date", "org.apache.kafka.connect.data.Date" -> DATE_DAYS;
      case "io.debezium.time.IsoDate" -> DATE_STRING;
      case "io.debezium.time.Timestamp", "org.apache.kafka.connect.data.Timestamp" ->
          TIMESTAMP_MILLIS;
      case "io.debezium.time.MicroTimestamp" -> TIMESTAMP_MICROS;
      case "io.debezium.time.NanoTimestamp" -> TIMESTAMP_NANOS;
      case "io.debezium.time.ZonedTimestamp", "io.debezium.time.IsoTimestamp" -> TIMESTAMP_STRING;
      case "io.debezium.time.Time",
          "io.debezium.time.MicroTime",
          "io.debezium.time.NanoTime",
          "io.debezium.time.ZonedTime",
          "io.debezium.time.IsoTime",
          "org.apache.kafka.connect.data.Time" ->
          TIME_OF_DAY;
      case CONNECT_DECIMAL -> DECIMAL;
      case "io.debezium.data.VariableScaleDecimal" -> VARIABLE_SCALE_DECIMAL;
      default -> NONE;
    };
  }

  /** Whether a value of this type can be a timestamp column's value. */
  boolean isTimestamp() {
    return this == TIMESTAMP_MILLIS
        || this == TIMESTAMP_MICROS
        || this == TIMESTAMP_NANOS
        || this == TIMESTAMP_STRING
        || this == DATE_DAYS;
  }

  /** The unit of an integer value of this type, for timestamp columns; null if not an integer. */
  Temporal.Unit unit() {
    return switch (this) {
      case TIMESTAMP_MILLIS -> Temporal.Unit.MILLIS;
      case TIMESTAMP_MICROS -> Temporal.Unit.MICROS;
      case TIMESTAMP_NANOS -> Temporal.Unit.NANOS;
      case DATE_DAYS -> Temporal.Unit.DAYS;
      default -> null;
    };
  }
}
