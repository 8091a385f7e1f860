package io.lakestream.cdc.debezium;

import io.lakestream.core.decode.Decimals;
import io.lakestream.core.error.RecordException;
import io.lakestream.core.record.DataType;
import io.lakestream.core.record.Field;
import io.lakestream.core.record.Row;
import io.lakestream.core.record.Schema;
import io.lakestream.core.spec.SchemaSpec.TimestampFormat;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.DateTimeException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * Converts Avro records of one writer schema (a Debezium row image or key) into rows of a declared
 * schema, matching fields by name. Built once per writer schema, so a column the writer schema
 * cannot fill is a configuration error found at construction.
 *
 * <p>Encodings follow Avro logical types ({@code timestamp-millis/micros/nanos}, their {@code
 * local-} variants, {@code date}, {@code decimal}) and the {@code connect.name} Debezium's Avro
 * converter records for its semantic types ({@code io.debezium.time.MicroTimestamp}, {@code
 * ZonedTimestamp}, {@code VariableScaleDecimal}, ...); a plain {@code long} for a timestamp column
 * is in the unit the spec's format gives, microseconds by default.
 */
final class AvroRowConverter {

  /** Converts one non-null Avro value. */
  private interface Converter {
    Object convert(Object value);
  }

  private final int[] avroPositions;
  private final Converter[] converters;
  private final List<String> unmapped;

  /**
   * @throws IllegalArgumentException naming the field if its Avro type cannot fill its column
   */
  AvroRowConverter(
      Schema schema,
      org.apache.avro.Schema record,
      String prefix,
      Map<String, TimestampFormat> formats) {
    avroPositions = new int[schema.size()];
    converters = new Converter[schema.size()];
    for (int i = 0; i < schema.size(); i++) {
      Field f = schema.field(i);
      org.apache.avro.Schema.Field avro = record.getField(f.name());
      avroPositions[i] = avro == null ? -1 : avro.pos();
      converters[i] =
          avro == null ? null : compile(f.type(), prefix + f.name(), avro.schema(), formats);
    }
    List<String> extra = new ArrayList<>();
    for (org.apache.avro.Schema.Field avro : record.getFields()) {
      if (schema.position(avro.name()).isEmpty()) {
        extra.add(avro.name());
      }
    }
    unmapped = List.copyOf(extra);
  }

  /**
   * The row of one record; nested required columns are checked, top-level ones are the caller's.
   *
   * @throws RecordException naming the field if a value does not fit its column
   */
  Row convert(GenericRecord record) {
    Row row = new Row(converters.length);
    for (int i = 0; i < converters.length; i++) {
      if (avroPositions[i] >= 0) {
        Object v = record.get(avroPositions[i]);
        if (v != null) {
          row.set(i, converters[i].convert(v));
        }
      }
    }
    return row;
  }

  /** The writer schema's fields that are not columns. */
  List<String> unmapped() {
    return unmapped;
  }

  /** The non-null branch of a {@code [null, T]} union, or the schema itself. */
  static org.apache.avro.Schema nonNull(org.apache.avro.Schema s, String path) {
    if (!s.isUnion()) {
      return s;
    }
    org.apache.avro.Schema branch = null;
    for (org.apache.avro.Schema t : s.getTypes()) {
      if (t.getType() != org.apache.avro.Schema.Type.NULL) {
        if (branch != null) {
          throw new IllegalArgumentException(
              "field " + path + ": only unions of null and one type are supported, not " + s);
        }
        branch = t;
      }
    }
    if (branch == null) {
      throw new IllegalArgumentException("field " + path + ": a union of null alone");
    }
    return branch;
  }

  private static Converter compile(
      DataType type,
      String path,
      org.apache.avro.Schema writer,
      Map<String, TimestampFormat> formats) {
    org.apache.avro.Schema s = nonNull(writer, path);
    org.apache.avro.Schema.Type avro = s.getType();
    LogicalType logical = s.getLogicalType();
    SemanticType semantic = SemanticType.of(s.getProp("connect.name"));
    boolean integer =
        avro == org.apache.avro.Schema.Type.INT || avro == org.apache.avro.Schema.Type.LONG;
    boolean string = avro == org.apache.avro.Schema.Type.STRING;
    Converter converter = null;
    if (type instanceof DataType.Decimal dec) {
      converter = decimal(dec, path, s, logical, semantic);
    } else if (type instanceof DataType.Struct struct) {
      if (avro == org.apache.avro.Schema.Type.RECORD) {
        AvroRowConverter nested = new AvroRowConverter(struct.schema(), s, path + ".", formats);
        converter =
            v -> {
              Row row = nested.convert((GenericRecord) v);
              for (int i = 0; i < row.size(); i++) {
                if (row.get(i) == null && struct.schema().field(i).required()) {
                  throw new RecordException(
                      "field "
                          + path
                          + "."
                          + struct.schema().field(i).name()
                          + ": required but missing or null");
                }
              }
              return row;
            };
      }
    } else if (type instanceof DataType.ListOf list) {
      if (avro == org.apache.avro.Schema.Type.ARRAY) {
        Converter element = compile(list.element(), path, s.getElementType(), formats);
        converter =
            v -> {
              List<Object> out = new ArrayList<>(((Collection<?>) v).size());
              for (Object e : (Collection<?>) v) {
                if (e == null && list.elementRequired()) {
                  throw new RecordException(
                      "field " + path + ": null element in a list of required values");
                }
                out.add(e == null ? null : element.convert(e));
              }
              return out;
            };
      }
    } else {
      converter =
          switch ((DataType.Primitive) type) {
            case BOOLEAN -> avro == org.apache.avro.Schema.Type.BOOLEAN ? v -> v : null;
            case INT ->
                avro == org.apache.avro.Schema.Type.INT
                    ? v -> v
                    : avro == org.apache.avro.Schema.Type.LONG
                        ? v -> {
                          try {
                            return Math.toIntExact((Long) v);
                          } catch (ArithmeticException e) {
                            throw new RecordException(
                                "field " + path + ": number out of range for int: " + v);
                          }
                        }
                        : null;
            case LONG -> integer ? v -> ((Number) v).longValue() : null;
            case FLOAT -> integer || isFloating(avro) ? v -> ((Number) v).floatValue() : null;
            case DOUBLE -> integer || isFloating(avro) ? v -> ((Number) v).doubleValue() : null;
            case STRING ->
                string || avro == org.apache.avro.Schema.Type.ENUM ? Object::toString : null;
            case BINARY ->
                (avro == org.apache.avro.Schema.Type.BYTES
                            && !(logical instanceof LogicalTypes.Decimal)
                            && semantic != SemanticType.DECIMAL)
                        || avro == org.apache.avro.Schema.Type.FIXED
                    ? v -> ByteBuffer.wrap(bytes(v))
                    : null;
            case DATE -> date(path, avro, logical, semantic);
            case TIMESTAMP -> timestamp(path, avro, logical, semantic, formats);
          };
    }
    if (converter == null) {
      throw new IllegalArgumentException(
          "field "
              + path
              + ": Avro type "
              + describe(s)
              + " cannot be read as "
              + Envelopes.typeName(type)
              + "; change the column's type in the spec");
    }
    return converter;
  }

  private static Converter timestamp(
      String path,
      org.apache.avro.Schema.Type avro,
      LogicalType logical,
      SemanticType semantic,
      Map<String, TimestampFormat> formats) {
    Temporal.Unit unit;
    if (logical instanceof LogicalTypes.TimestampMillis
        || logical instanceof LogicalTypes.LocalTimestampMillis) {
      unit = Temporal.Unit.MILLIS;
    } else if (logical instanceof LogicalTypes.TimestampMicros
        || logical instanceof LogicalTypes.LocalTimestampMicros) {
      unit = Temporal.Unit.MICROS;
    } else if (logical instanceof LogicalTypes.TimestampNanos
        || logical instanceof LogicalTypes.LocalTimestampNanos) {
      unit = Temporal.Unit.NANOS;
    } else if (logical instanceof LogicalTypes.Date) {
      unit = Temporal.Unit.DAYS;
    } else if (logical != null) {
      return null;
    } else if (semantic.unit() != null) {
      unit = semantic.unit();
    } else if (semantic == SemanticType.NONE || semantic == SemanticType.TIMESTAMP_STRING) {
      unit = Temporal.Unit.of(formats.get(path));
    } else {
      return null;
    }
    if (avro == org.apache.avro.Schema.Type.LONG || avro == org.apache.avro.Schema.Type.INT) {
      return v -> {
        long raw = ((Number) v).longValue();
        try {
          return unit.toMicros(raw);
        } catch (ArithmeticException e) {
          throw new RecordException("field " + path + ": timestamp out of range: " + raw);
        }
      };
    }
    if (avro == org.apache.avro.Schema.Type.STRING) {
      return v -> {
        String text = v.toString();
        try {
          return Temporal.parseTimestamp(text);
        } catch (DateTimeException e) {
          throw new RecordException(
              "field " + path + ": not an ISO-8601 timestamp: \"" + text + "\"");
        }
      };
    }
    return null;
  }

  private static Converter date(
      String path, org.apache.avro.Schema.Type avro, LogicalType logical, SemanticType semantic) {
    boolean days =
        logical instanceof LogicalTypes.Date
            || semantic == SemanticType.DATE_DAYS
            || (logical == null && semantic == SemanticType.NONE);
    if (days && avro == org.apache.avro.Schema.Type.INT) {
      return v -> v;
    }
    if (avro == org.apache.avro.Schema.Type.STRING
        && logical == null
        && (semantic == SemanticType.NONE || semantic == SemanticType.DATE_STRING)) {
      return v -> {
        String text = v.toString();
        try {
          return Temporal.parseDate(text);
        } catch (DateTimeException e) {
          throw new RecordException("field " + path + ": not an ISO-8601 date: \"" + text + "\"");
        }
      };
    }
    return null;
  }

  private static Converter decimal(
      DataType.Decimal type,
      String path,
      org.apache.avro.Schema s,
      LogicalType logical,
      SemanticType semantic) {
    org.apache.avro.Schema.Type avro = s.getType();
    if (logical instanceof LogicalTypes.Decimal ld) {
      int scale = ld.getScale();
      return v -> Decimals.fit(ConnectDecimals.fromUnscaled(bytes(v), scale, path), type, path);
    }
    if (semantic == SemanticType.DECIMAL && avro == org.apache.avro.Schema.Type.BYTES) {
      int scale = connectScale(s, path);
      return v -> Decimals.fit(ConnectDecimals.fromUnscaled(bytes(v), scale, path), type, path);
    }
    if (semantic == SemanticType.VARIABLE_SCALE_DECIMAL
        && avro == org.apache.avro.Schema.Type.RECORD) {
      org.apache.avro.Schema.Field scale = s.getField("scale");
      org.apache.avro.Schema.Field value = s.getField("value");
      if (scale == null || value == null) {
        return null;
      }
      return v -> {
        GenericRecord r = (GenericRecord) v;
        Object sc = r.get(scale.pos());
        Object un = r.get(value.pos());
        if (sc == null || un == null) {
          throw new RecordException(
              "field " + path + ": a variable-scale decimal needs both scale and value");
        }
        return Decimals.fit(
            ConnectDecimals.fromUnscaled(bytes(un), ((Number) sc).intValue(), path), type, path);
      };
    }
    if (semantic != SemanticType.NONE || logical != null) {
      return null;
    }
    return switch (avro) {
      case INT, LONG -> v -> Decimals.fit(BigDecimal.valueOf(((Number) v).longValue()), type, path);
      case FLOAT, DOUBLE ->
          v -> {
            double d = ((Number) v).doubleValue();
            if (!Double.isFinite(d)) {
              throw new RecordException("field " + path + ": " + d + " is not a decimal number");
            }
            return Decimals.fit(BigDecimal.valueOf(d), type, path);
          };
      case STRING ->
          v -> {
            try {
              return Decimals.fit(new BigDecimal(v.toString()), type, path);
            } catch (NumberFormatException e) {
              throw new RecordException("field " + path + ": not a decimal number: \"" + v + "\"");
            }
          };
      default -> null;
    };
  }

  /** The scale Kafka Connect records in {@code connect.parameters} of a decimal. */
  private static int connectScale(org.apache.avro.Schema s, String path) {
    Object params = s.getObjectProp("connect.parameters");
    Object scale = params instanceof Map<?, ?> m ? m.get("scale") : null;
    if (scale == null) {
      scale = s.getObjectProp("scale");
    }
    try {
      return Integer.parseInt(String.valueOf(scale));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "field " + path + ": a Connect decimal without a scale in connect.parameters");
    }
  }

  private static boolean isFloating(org.apache.avro.Schema.Type t) {
    return t == org.apache.avro.Schema.Type.FLOAT || t == org.apache.avro.Schema.Type.DOUBLE;
  }

  /** A copy of the bytes of a {@code bytes} or {@code fixed} value; the reader reuses buffers. */
  private static byte[] bytes(Object v) {
    if (v instanceof ByteBuffer b) {
      byte[] out = new byte[b.remaining()];
      b.duplicate().get(out);
      return out;
    }
    return ((GenericData.Fixed) v).bytes().clone();
  }

  private static String describe(org.apache.avro.Schema s) {
    StringBuilder sb = new StringBuilder(s.getType().getName());
    if (s.getLogicalType() != null) {
      sb.append(" (").append(s.getLogicalType().getName()).append(')');
    } else if (s.getProp("connect.name") != null) {
      sb.append(" (").append(s.getProp("connect.name")).append(')');
    }
    return sb.toString();
  }
}
