package io.lakestream.core.runtime;

import io.lakestream.core.error.RecordException;
import io.lakestream.core.record.DataType;
import io.lakestream.core.record.Field;
import io.lakestream.core.record.Row;
import io.lakestream.core.record.Schema;
import io.lakestream.core.state.ValueCodec;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The key columns of a keyed step in the rows it receives: their hash picks the owning task, their
 * bytes key the step's state. A null key value makes the record a bad record.
 */
final class KeyColumns {
  private static final VarHandle LONG_BIG_ENDIAN =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private final int[] positions;
  private final Schema keySchema;
  private final String what;
  private final boolean singleLong;

  /**
   * @param what how error messages name the columns, e.g. {@code group-by column}
   */
  KeyColumns(Schema rows, List<String> names, String what) {
    this.positions = new int[names.size()];
    List<Field> fields = new ArrayList<>();
    for (int i = 0; i < positions.length; i++) {
      String name = names.get(i);
      positions[i] =
          rows.position(name)
              .orElseThrow(() -> new IllegalArgumentException("No column " + name + " in " + rows));
      Field f = rows.field(positions[i]);
      fields.add(Field.required(f.name(), f.type()));
    }
    this.keySchema = new Schema(fields);
    this.what = what;
    this.singleLong =
        fields.size() == 1
            && (fields.get(0).type() == DataType.Primitive.LONG
                || fields.get(0).type() == DataType.Primitive.TIMESTAMP);
  }

  Schema schema() {
    return keySchema;
  }

  /** The key's values in {@code row}, in key order. */
  Object[] values(Row row) {
    Object[] values = new Object[positions.length];
    for (int i = 0; i < positions.length; i++) {
      Object v = row.get(positions[i]);
      if (v == null) {
        throw new RecordException(what + " " + keySchema.field(i).name() + " is null");
      }
      values[i] = v;
    }
    return values;
  }

  /**
   * A hash of the key's values in {@code row}, equal for equal keys in every task and every run.
   *
   * @throws RecordException if a key value is null
   */
  int hash(Row row) {
    int h = 1;
    for (int i = 0; i < positions.length; i++) {
      Object v = row.get(positions[i]);
      if (v == null) {
        throw new RecordException(what + " " + keySchema.field(i).name() + " is null");
      }
      h = hashStep(h, v);
    }
    return h;
  }

  /**
   * The {@link #hash} of a key read back from state: its {@link #bytes} are {@code stored} from
   * {@code from} to the end. How a rescale finds the key group of a stored key.
   *
   * @throws IllegalArgumentException if those bytes are not a key of these columns
   */
  int storedHash(byte[] stored, int from) {
    Object[] values =
        ValueCodec.decodeKey(keySchema, Arrays.copyOfRange(stored, from, stored.length));
    int h = 1;
    for (Object v : values) {
      h = hashStep(h, v);
    }
    return h;
  }

  private static int hashStep(int h, Object value) {
    return 31 * h + value.hashCode();
  }

  /**
   * The key's bytes, after {@code prefix}: {@link ValueCodec#encodeKey}'s bytes, written directly
   * for the common single {@code long} key (an event id) since this runs once per record.
   */
  byte[] bytes(byte prefix, Object[] values) {
    if (singleLong) {
      byte[] key = new byte[10];
      key[0] = prefix;
      key[1] = 1; // ValueCodec's presence byte
      LONG_BIG_ENDIAN.set(key, 2, (long) (Long) values[0]);
      return key;
    }
    byte[] encoded = ValueCodec.encodeKey(keySchema, values);
    byte[] key = new byte[encoded.length + 1];
    key[0] = prefix;
    System.arraycopy(encoded, 0, key, 1, encoded.length);
    return key;
  }
}
