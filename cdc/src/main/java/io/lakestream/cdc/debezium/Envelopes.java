package io.lakestream.cdc.debezium;

import io.lakestream.core.error.RecordException;
import io.lakestream.core.record.DataType;
import io.lakestream.core.record.Row;
import io.lakestream.core.record.Schema;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Rules of the Debezium envelope that do not depend on how it is serialized. */
final class Envelopes {
  /**
   * What Debezium writes for a value it did not receive, e.g. an unchanged TOASTed PostgreSQL
   * column (the default of the connector option {@code unavailable.value.placeholder}).
   */
  static final String UNAVAILABLE = "__debezium_unavailable_value";

  private static final ByteBuffer UNAVAILABLE_BYTES =
      ByteBuffer.wrap(UNAVAILABLE.getBytes(StandardCharsets.US_ASCII)).asReadOnlyBuffer();

  private Envelopes() {}

  /**
   * Checks that an after image can replace a table row: required columns have values, and no value
   * is Debezium's placeholder for a value it did not receive, which would otherwise overwrite the
   * real value in the table.
   *
   * @throws RecordException naming the column otherwise
   */
  static void checkComplete(Schema schema, Row row) {
    for (int i = 0; i < row.size(); i++) {
      Object v = row.get(i);
      if (v == null) {
        if (schema.field(i).required()) {
          throw new RecordException(
              "field " + schema.field(i).name() + ": required but missing or null");
        }
      } else if (UNAVAILABLE.equals(v) || UNAVAILABLE_BYTES.equals(v)) {
        throw new RecordException(
            "field "
                + schema.field(i).name()
                + ": Debezium did not receive this column's value ("
                + UNAVAILABLE
                + "), as for an unchanged TOASTed PostgreSQL column; set REPLICA IDENTITY FULL"
                + " on the source table so that updates carry every value");
      }
    }
  }

  /**
   * The position of a change from its {@code source} block: PostgreSQL's {@code lsn}; else MySQL's
   * binlog coordinates as {@code fileIndex * 2^32 + pos} (the numeric suffix of {@code file}, e.g.
   * 3 for {@code mysql-bin.000003}; MySQL caps binlog files far below 4 GiB), so that positions
   * compare in binlog order across file rotations. Rows of one binlog event share a position. -1
   * when neither is there or they cannot be read.
   *
   * @param lsn {@code source.lsn}, or a negative number if absent
   * @param file {@code source.file}, or null
   * @param pos {@code source.pos}, or a negative number if absent
   */
  static long position(long lsn, String file, long pos) {
    if (lsn >= 0) {
      return lsn;
    }
    if (file == null || pos < 0 || pos > 0xFFFF_FFFFL) {
      return -1;
    }
    int dot = file.lastIndexOf('.');
    if (dot < 0 || dot == file.length() - 1 || file.length() - dot - 1 > 9) {
      return -1;
    }
    long index = 0;
    for (int i = dot + 1; i < file.length(); i++) {
      char c = file.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      index = index * 10 + (c - '0');
    }
    return index > Integer.MAX_VALUE ? -1 : (index << 32) | pos;
  }

  static RecordException truncate(long position) {
    return new RecordException(
        "truncate events are not supported: a TRUNCATE of the source table (position "
            + position
            + ") cannot be applied as row changes; leave truncates out with the connector option"
            + " skipped.operations=t, or let the pipeline's error policy skip this record");
  }

  static RecordException noAfter(char op) {
    return new RecordException("event with op '" + op + "' has no after image");
  }

  static RecordException unknownOp(String op) {
    return new RecordException(
        "unknown op \"" + op + "\": expected c, u, d or r (or t or m, which change no row)");
  }

  static RecordException deleteWithoutKey(long position) {
    return new RecordException(
        "delete event (position "
            + position
            + ") has no before image and no record key, so the deleted row is unknown; give the"
            + " source table a primary key or REPLICA IDENTITY");
  }

  /** The type as a spec writes it ({@code timestamp}, {@code decimal(10,2)}). */
  static String typeName(DataType type) {
    return type instanceof DataType.Primitive p ? p.toString() : type.name();
  }
}
