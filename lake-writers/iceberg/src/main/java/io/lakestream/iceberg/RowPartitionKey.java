package io.lakestream.iceberg;

import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.apache.iceberg.Accessor;
import org.apache.iceberg.PartitionField;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.transforms.Transform;
import org.apache.iceberg.types.Type;

/**
 * The partition tuple of a row, computed in place for every row. Values have the Java types
 * Iceberg's transforms produce (Integer for year, month, day, hour and bucket; the source type for
 * identity and truncate), so the tuple works as a key of Iceberg's partition maps and paths.
 *
 * <p>Time transforms of timestamps and dates are computed here with integer arithmetic, as the
 * Iceberg spec defines them, because Iceberg 1.12 goes through {@code OffsetDateTime} for every
 * value; the other transforms are Iceberg's own.
 */
final class RowPartitionKey implements StructLike {
  private static final long MICROS_PER_HOUR = 3_600_000_000L;
  private static final long MICROS_PER_DAY = 24 * MICROS_PER_HOUR;

  private final Accessor<StructLike>[] sources;
  private final Function<Object, Object>[] transforms;
  private final Object[] values;

  private RowPartitionKey(
      Accessor<StructLike>[] sources, Function<Object, Object>[] transforms, Object[] values) {
    this.sources = sources;
    this.transforms = transforms;
    this.values = values;
  }

  /** A key for rows of {@code schema} partitioned by {@code spec}. */
  @SuppressWarnings("unchecked")
  static RowPartitionKey of(PartitionSpec spec, Schema schema) {
    List<PartitionField> fields = spec.fields();
    Accessor<StructLike>[] sources = new Accessor[fields.size()];
    Function<Object, Object>[] transforms = new Function[fields.size()];
    for (int i = 0; i < fields.size(); i++) {
      PartitionField field = fields.get(i);
      sources[i] = schema.accessorForField(field.sourceId());
      if (sources[i] == null) {
        throw new IllegalArgumentException(
            "Partition source column " + field.sourceId() + " is not in the written schema");
      }
      transforms[i] = function(field.transform(), schema.findType(field.sourceId()));
    }
    return new RowPartitionKey(sources, transforms, new Object[fields.size()]);
  }

  @SuppressWarnings("unchecked")
  static Function<Object, Object> function(Transform<?, ?> transform, Type type) {
    String name = transform.toString();
    Type.TypeID id = type.typeId();
    if (id == Type.TypeID.TIMESTAMP) {
      switch (name) {
        case "hour":
          return v -> (int) Math.floorDiv((Long) v, MICROS_PER_HOUR);
        case "day":
          return v -> (int) Math.floorDiv((Long) v, MICROS_PER_DAY);
        case "month":
          return v -> months(Math.floorDiv((Long) v, MICROS_PER_DAY));
        case "year":
          return v -> years(Math.floorDiv((Long) v, MICROS_PER_DAY));
        default:
          break;
      }
    } else if (id == Type.TypeID.DATE) {
      switch (name) {
        case "day":
          return v -> v;
        case "month":
          return v -> months((Integer) v);
        case "year":
          return v -> years((Integer) v);
        default:
          break;
      }
    }
    Function<Object, Object> bound =
        (Function<Object, Object>) ((Transform<Object, Object>) transform).bind(type);
    return bound;
  }

  private static Integer months(long epochDay) {
    LocalDate date = LocalDate.ofEpochDay(epochDay);
    return (date.getYear() - 1970) * 12 + date.getMonthValue() - 1;
  }

  private static Integer years(long epochDay) {
    return LocalDate.ofEpochDay(epochDay).getYear() - 1970;
  }

  /** Sets this key to the partition of {@code row}. */
  void partition(StructLike row) {
    for (int i = 0; i < values.length; i++) {
      Object source = sources[i].get(row);
      values[i] = source == null ? null : transforms[i].apply(source);
    }
  }

  /** An independent copy of the current tuple, to keep as a map key or a file's partition. */
  RowPartitionKey copy() {
    return new RowPartitionKey(sources, transforms, values.clone());
  }

  @Override
  public int size() {
    return values.length;
  }

  @Override
  public <T> T get(int pos, Class<T> javaClass) {
    return javaClass.cast(values[pos]);
  }

  @Override
  public <T> void set(int pos, T value) {
    values[pos] = value;
  }

  @Override
  public String toString() {
    return Arrays.toString(values);
  }
}
