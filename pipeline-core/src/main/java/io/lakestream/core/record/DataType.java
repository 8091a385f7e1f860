package io.lakestream.core.record;

import java.util.List;
import java.util.Objects;

/**
 * The logical type of a field. Values held in a {@link Row} use one Java representation per type:
 *
 * <ul>
 *   <li>{@code BOOLEAN} → {@link Boolean}; {@code INT} → {@link Integer}; {@code LONG} → {@link
 *       Long}; {@code FLOAT} → {@link Float}; {@code DOUBLE} → {@link Double}
 *   <li>{@code STRING} → {@link String}; {@code BINARY} → {@link java.nio.ByteBuffer}
 *   <li>{@code DATE} → {@link Integer} days since 1970-01-01
 *   <li>{@code TIMESTAMP} → {@link Long} microseconds since the epoch, UTC
 *   <li>{@link Decimal} → {@link java.math.BigDecimal} with the declared scale
 *   <li>{@link Struct} → {@link Row}; {@link ListOf} → {@link java.util.List}
 * </ul>
 *
 * These are the representations Iceberg's internal object model uses, so sinks pass values through
 * without converting them.
 */
public sealed interface DataType {

  /** The type as written in a spec, e.g. {@code decimal(10,2)}. */
  String name();

  /** Types without parameters. */
  enum Primitive implements DataType {
    BOOLEAN,
    INT,
    LONG,
    FLOAT,
    DOUBLE,
    STRING,
    BINARY,
    DATE,
    TIMESTAMP;

    @Override
    public String toString() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** A fixed-point number with {@code precision} digits, {@code scale} of them after the point. */
  record Decimal(int precision, int scale) implements DataType {
    public Decimal {
      if (precision < 1 || precision > 38) {
        throw new IllegalArgumentException("Decimal precision must be 1..38: " + precision);
      }
      if (scale < 0 || scale > precision) {
        throw new IllegalArgumentException("Decimal scale must be 0.." + precision + ": " + scale);
      }
    }

    @Override
    public String name() {
      return "decimal(" + precision + "," + scale + ")";
    }

    @Override
    public String toString() {
      return name();
    }
  }

  /** A nested record. */
  record Struct(Schema schema) implements DataType {
    public Struct {
      Objects.requireNonNull(schema, "schema");
    }

    @Override
    public String name() {
      return "struct";
    }
  }

  /** A list of elements of one type. */
  record ListOf(DataType element, boolean elementRequired) implements DataType {
    public ListOf {
      Objects.requireNonNull(element, "element");
    }

    @Override
    public String name() {
      return "list<" + element.name() + ">";
    }
  }

  /** Types a spec may name without parameters, in the order the docs list them. */
  static List<Primitive> primitives() {
    return List.of(Primitive.values());
  }
}
