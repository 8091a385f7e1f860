package io.lakestream.iceberg;

import io.lakestream.core.record.Row;
import java.util.AbstractList;
import java.util.List;
import org.apache.avro.util.Utf8;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * A {@link Row} seen as an Iceberg {@link StructLike}, without copying: rows already hold Iceberg's
 * internal representations (Long micros, Integer days, BigDecimal, ByteBuffer, String as a
 * CharSequence), so values pass through. A nested row is shown through a child view and a list of
 * rows through a list view; both are reused, which is safe because Iceberg's writers and partition
 * keys read one value completely before asking for the next.
 *
 * <p>The view for Parquet writers ({@link #forWriting}) shows strings as a reused Avro {@link
 * Utf8}, which Iceberg's Parquet string writer takes as a byte array: Parquet then compares
 * dictionary entries as arrays instead of byte buffers, which makes writing strings much cheaper.
 * Parquet copies a value before keeping it (dictionary, statistics), so reuse is safe there; the
 * view for partition keys ({@link #of}) passes strings through because keys keep their values.
 *
 * <p>Not thread-safe; one instance per writer. Read-only.
 */
final class RowStruct implements StructLike {
  /**
   * Per position: null (value passes through), a {@link RowStruct}, an {@link Elements} or a {@link
   * Utf8}.
   */
  private final Object[] views;

  private Row row;

  private RowStruct(Object[] views) {
    this.views = views;
  }

  /** A view for rows whose shape is {@code struct} (the file schema, in row order). */
  static RowStruct of(Types.StructType struct) {
    return of(struct, false);
  }

  /** A view for Parquet writers of rows whose shape is {@code struct}. */
  static RowStruct forWriting(Types.StructType struct) {
    return of(struct, true);
  }

  private static RowStruct of(Types.StructType struct, boolean utf8) {
    List<Types.NestedField> fields = struct.fields();
    Object[] views = new Object[fields.size()];
    for (int i = 0; i < views.length; i++) {
      views[i] = viewFor(fields.get(i).type(), utf8);
    }
    return new RowStruct(views);
  }

  private static Object viewFor(Type type, boolean utf8) {
    if (type.isStructType()) {
      return of(type.asStructType(), utf8);
    }
    if (type.isListType()) {
      Object element = viewFor(type.asListType().elementType(), utf8);
      return element == null ? null : new Elements(element);
    }
    if (utf8 && type.typeId() == Type.TypeID.STRING) {
      return new Utf8();
    }
    return null;
  }

  /** Shows {@code row} through this view and returns the view. */
  RowStruct wrap(Row row) {
    this.row = row;
    return this;
  }

  @Override
  public int size() {
    return views.length;
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> T get(int pos, Class<T> javaClass) {
    Object value = row.get(pos);
    Object view = views[pos];
    if (view == null || value == null) {
      return (T) value;
    }
    return (T) adapt(view, value);
  }

  private static Object adapt(Object view, Object value) {
    if (view instanceof Utf8 utf8) {
      return utf8.set(value instanceof String s ? s : value.toString());
    }
    if (view instanceof RowStruct struct) {
      return struct.wrap((Row) value);
    }
    return ((Elements) view).wrap((List<?>) value);
  }

  @Override
  public <T> void set(int pos, T value) {
    throw new UnsupportedOperationException("Rows seen by Iceberg are read-only");
  }

  /** A list whose elements need a view (rows, or lists of rows). */
  private static final class Elements extends AbstractList<Object> {
    private final Object elementView;
    private List<?> list;

    Elements(Object elementView) {
      this.elementView = elementView;
    }

    Elements wrap(List<?> list) {
      this.list = list;
      return this;
    }

    @Override
    public Object get(int index) {
      Object element = list.get(index);
      return element == null ? null : adapt(elementView, element);
    }

    @Override
    public int size() {
      return list.size();
    }
  }
}
