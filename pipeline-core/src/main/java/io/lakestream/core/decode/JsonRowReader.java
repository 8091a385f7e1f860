package io.lakestream.core.decode;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.SerializedString;
import io.lakestream.core.error.RecordException;
import io.lakestream.core.record.Field;
import io.lakestream.core.record.Row;
import io.lakestream.core.record.Schema;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads JSON objects into rows of one schema with a streaming parser, no intermediate tree. How
 * each column's value is read is the caller's choice ({@link FieldReaders}): plain JSON and Kafka
 * Connect's JSON differ there, and only there.
 *
 * <p>Members are matched to columns in declared order first, by comparing the member name's bytes
 * without making a string; a member out of order is looked up by name. A column the object lacks,
 * or whose value is {@code null}, is null; a member that is no column is skipped and reported by
 * {@link #unmapped()}. Not thread-safe: one per task.
 */
public final class JsonRowReader {

  /** Chooses the reader of each column's values. */
  @FunctionalInterface
  public interface FieldReaders {
    /**
     * The reader for {@code field}, whose path from the row is {@code path} ({@code customer.id}
     * for a nested one).
     */
    JsonValueReader reader(Field field, String path);
  }

  private final String path;
  private final Map<String, Integer> positions;
  private final SerializedString[] names;
  private final JsonValueReader[] readers;
  private final String[] paths;
  private final int[] required;
  private final List<String> unmapped = new ArrayList<>(4);

  /**
   * A reader for objects whose columns are {@code schema}'s fields.
   *
   * @param path the objects' own path: empty for a row, the column's path for a nested struct
   * @param readers called once per field, in order, for its value reader
   */
  public JsonRowReader(Schema schema, String path, FieldReaders readers) {
    int size = schema.size();
    this.path = path;
    this.positions = new HashMap<>(size * 2);
    this.names = new SerializedString[size];
    this.readers = new JsonValueReader[size];
    this.paths = new String[size];
    int requiredCount = 0;
    for (int i = 0; i < size; i++) {
      Field f = schema.field(i);
      positions.put(f.name(), i);
      names[i] = new SerializedString(f.name());
      paths[i] = path.isEmpty() ? f.name() : path + "." + f.name();
      this.readers[i] = readers.reader(f, paths[i]);
      if (f.required()) {
        requiredCount++;
      }
    }
    this.required = new int[requiredCount];
    for (int i = 0, r = 0; i < size; i++) {
      if (schema.field(i).required()) {
        required[r++] = i;
      }
    }
  }

  /**
   * Reads the object the parser stands on (its START_OBJECT) up to and including its END_OBJECT.
   * Required columns are not checked here; see {@link #checkRequired}.
   *
   * @throws RecordException naming the column if a value does not fit it
   * @throws IOException if the JSON is malformed
   */
  public Row read(JsonParser p) throws IOException {
    Row row = new Row(readers.length);
    unmapped.clear();
    int expected = 0;
    while (true) {
      int pos;
      if (expected < names.length && p.nextFieldName(names[expected])) {
        pos = expected;
      } else if ((expected < names.length ? p.currentToken() : p.nextToken())
          == JsonToken.FIELD_NAME) {
        Integer found = positions.get(p.currentName());
        if (found == null) {
          unmapped.add(p.currentName());
          p.nextToken();
          p.skipChildren();
          continue;
        }
        pos = found;
      } else {
        return row;
      }
      expected = pos + 1;
      if (p.nextToken() != JsonToken.VALUE_NULL) {
        try {
          row.set(pos, readers[pos].read(p));
        } catch (ArithmeticException | IllegalArgumentException e) {
          throw new RecordException("field " + paths[pos] + ": " + e.getMessage());
        }
      }
    }
  }

  /**
   * Checks that every required column of a row this reader read has a value.
   *
   * @throws RecordException naming the first required column that is null
   */
  public void checkRequired(Row row) {
    for (int pos : required) {
      if (row.get(pos) == null) {
        throw new RecordException("field " + paths[pos] + ": required but missing or null");
      }
    }
  }

  /**
   * The members of the object last read that are not columns, in the order they came; empty if
   * there were none.
   */
  public List<String> unmapped() {
    return unmapped.isEmpty() ? List.of() : List.copyOf(unmapped);
  }

  /**
   * A reader for the values of a struct column whose objects this reader reads: an object, with its
   * required columns checked.
   */
  public JsonValueReader asStruct() {
    return p -> {
      JsonValues.expect(p, JsonToken.START_OBJECT, path, "an object");
      Row row = read(p);
      checkRequired(row);
      return row;
    };
  }
}
