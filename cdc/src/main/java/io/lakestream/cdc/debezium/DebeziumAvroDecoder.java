package io.lakestream.cdc.debezium;

import io.lakestream.core.decode.AvroSchemas;
import io.lakestream.core.error.RecordException;
import io.lakestream.core.record.Change;
import io.lakestream.core.record.Row;
import io.lakestream.core.record.Schema;
import io.lakestream.core.spec.SchemaSpec;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

/**
 * Decodes Avro-encoded Debezium envelopes into {@link Change}s, with the same rules as {@link
 * DebeziumJsonDecoder} for operations, tombstones, truncates, positions and metadata.
 *
 * <p>Values are plain Avro binary datums of one writer schema, the envelope: a record with {@code
 * before} and {@code after} (each {@code [null, <row record>]}), {@code source}, {@code op}, {@code
 * ts_ms} and optionally {@code transaction}. As with pipeline-core's {@code AvroDecoder}, there is
 * no Schema Registry framing; a registry's writer schema must be given as a file.
 *
 * <p>Column values follow the row record's Avro logical types ({@code
 * timestamp-millis/micros/nanos} and their {@code local-} variants, {@code date}, {@code decimal})
 * and the {@code connect.name} Debezium's Avro converter records for its semantic types ({@code
 * io.debezium.time.Timestamp}, {@code MicroTimestamp}, {@code NanoTimestamp}, {@code
 * ZonedTimestamp}, {@code Date}, {@code io.debezium.data.VariableScaleDecimal}); a plain {@code
 * long} for a timestamp column is in the unit the spec's format gives, microseconds by default. One
 * decoder per task: it reuses its Avro decoder and records.
 */
public final class DebeziumAvroDecoder implements DebeziumDecoder {
  private final Schema schema;
  private final GenericDatumReader<GenericRecord> reader;
  private final GenericDatumReader<GenericRecord> keyReader;
  private final int beforePos;
  private final int afterPos;
  private final int opPos;
  private final int tsMsPos;
  private final int sourcePos;
  private final int transactionPos;
  private final AvroRowConverter before;
  private final AvroRowConverter after;
  private final AvroRowConverter key;
  private BinaryDecoder decoder;
  private GenericRecord reuse;
  private EventInfo last;

  /**
   * A decoder into rows of {@code schema}, without a key schema (a delete without a before image is
   * then a {@link RecordException}).
   *
   * @throws IllegalArgumentException if {@code envelope} is not a Debezium envelope or a column's
   *     Avro type cannot fill it
   */
  public DebeziumAvroDecoder(org.apache.avro.Schema envelope, Schema schema) {
    this(envelope, null, new SchemaSpec(schema, Map.of()));
  }

  /**
   * A decoder into rows of {@code spec.schema()}, or of the envelope's row record when the spec
   * declares no schema.
   *
   * @param envelope the writer schema of record values
   * @param keySchema the writer schema of record keys, to find the row of a delete without a before
   *     image; may be null
   * @param spec the columns, and the units of plain {@code long} timestamps
   * @throws IllegalArgumentException if {@code envelope} is not a Debezium envelope or a column's
   *     Avro type cannot fill it; the message names the field
   */
  public DebeziumAvroDecoder(
      org.apache.avro.Schema envelope, org.apache.avro.Schema keySchema, SchemaSpec spec) {
    if (envelope.getType() != org.apache.avro.Schema.Type.RECORD) {
      throw new IllegalArgumentException(
          "a Debezium envelope must be an Avro record, not " + envelope.getType().getName());
    }
    opPos = position(envelope, "op");
    beforePos = position(envelope, "before");
    afterPos = position(envelope, "after");
    if (opPos < 0 || (beforePos < 0 && afterPos < 0)) {
      throw new IllegalArgumentException(
          "a Debezium envelope needs the fields op and before/after; "
              + envelope.getFullName()
              + " has "
              + envelope.getFields().stream().map(org.apache.avro.Schema.Field::name).toList());
    }
    tsMsPos = position(envelope, "ts_ms");
    sourcePos = position(envelope, "source");
    transactionPos = position(envelope, "transaction");
    org.apache.avro.Schema beforeRecord = rowRecord(envelope, "before");
    org.apache.avro.Schema afterRecord = rowRecord(envelope, "after");
    this.schema =
        spec.declared()
            ? spec.schema()
            : AvroSchemas.rowSchema(afterRecord != null ? afterRecord : beforeRecord);
    this.after =
        afterRecord == null
            ? null
            : new AvroRowConverter(schema, afterRecord, "", spec.timestampFormats());
    this.before =
        beforeRecord == null
            ? null
            : beforeRecord.equals(afterRecord)
                ? after
                : new AvroRowConverter(schema, beforeRecord, "", spec.timestampFormats());
    this.reader = new GenericDatumReader<>(envelope);
    if (keySchema != null) {
      if (keySchema.getType() != org.apache.avro.Schema.Type.RECORD) {
        throw new IllegalArgumentException(
            "a Debezium key schema must be an Avro record, not " + keySchema.getType().getName());
      }
      this.keyReader = new GenericDatumReader<>(keySchema);
      this.key = new AvroRowConverter(schema, keySchema, "", spec.timestampFormats());
    } else {
      this.keyReader = null;
      this.key = null;
    }
  }

  /** The columns this decoder produces: declared, or taken from the envelope's row record. */
  public Schema schema() {
    return schema;
  }

  /**
   * Decodes one Avro-encoded Debezium envelope.
   *
   * @return the change, or null for a tombstone or an envelope without {@code op}
   * @throws RecordException if the bytes are not a datum of the writer schema, the event is a
   *     truncate, or a value does not fit its column
   */
  @Override
  public Change decode(byte[] keyBytes, byte[] value) {
    last = null;
    if (value == null) {
      return null;
    }
    GenericRecord envelope = read(reader, value, "value");
    reuse = envelope;
    Object opValue = envelope.get(opPos);
    if (opValue == null) {
      return null;
    }
    String op = opValue.toString();
    long lsn = -1;
    String file = null;
    long pos = -1;
    long sourceTsMs = -1;
    if (sourcePos >= 0 && envelope.get(sourcePos) instanceof GenericRecord source) {
      lsn = longField(source, "lsn");
      file = stringField(source, "file");
      pos = longField(source, "pos");
      sourceTsMs = longField(source, "ts_ms");
    }
    long position = Envelopes.position(lsn, file, pos);
    char code = op.length() == 1 ? op.charAt(0) : '?';
    Change change;
    List<String> unmapped;
    switch (code) {
      case 'c', 'u', 'r' -> {
        Object image = afterPos < 0 ? null : envelope.get(afterPos);
        if (image == null) {
          throw Envelopes.noAfter(code);
        }
        Row row = after.convert((GenericRecord) image);
        Envelopes.checkComplete(schema, row);
        unmapped = after.unmapped();
        change = new Change(Change.Kind.UPSERT, row, position);
      }
      case 'd' -> {
        Object image = beforePos < 0 ? null : envelope.get(beforePos);
        Row row;
        if (image != null) {
          row = before.convert((GenericRecord) image);
          unmapped = before.unmapped();
        } else if (keyBytes != null && keyReader != null) {
          row = key.convert(read(keyReader, keyBytes, "key"));
          unmapped = List.of();
        } else {
          throw Envelopes.deleteWithoutKey(position);
        }
        change = new Change(Change.Kind.DELETE, row, position);
      }
      case 't' -> throw Envelopes.truncate(position);
      case 'm' -> {
        return null;
      }
      default -> throw Envelopes.unknownOp(op);
    }
    String transactionId = null;
    long totalOrder = -1;
    long dataCollectionOrder = -1;
    if (transactionPos >= 0 && envelope.get(transactionPos) instanceof GenericRecord tx) {
      transactionId = stringField(tx, "id");
      totalOrder = longField(tx, "total_order");
      dataCollectionOrder = longField(tx, "data_collection_order");
    }
    long tsMs = tsMsPos >= 0 && envelope.get(tsMsPos) instanceof Number n ? n.longValue() : -1;
    last =
        new EventInfo(
            EventInfo.Operation.of(code),
            sourceTsMs,
            tsMs,
            transactionId,
            totalOrder,
            dataCollectionOrder,
            unmapped);
    return change;
  }

  @Override
  public EventInfo lastEvent() {
    return last;
  }

  private GenericRecord read(
      GenericDatumReader<GenericRecord> datumReader, byte[] bytes, String what) {
    try {
      decoder = DecoderFactory.get().binaryDecoder(bytes, decoder);
      GenericRecord record = datumReader.read(datumReader == reader ? reuse : null, decoder);
      if (!decoder.isEnd()) {
        throw new RecordException("unexpected bytes after the Avro datum in the record " + what);
      }
      return record;
    } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException e) {
      throw new RecordException("malformed Avro in the record " + what + ": " + e.getMessage());
    }
  }

  private static int position(org.apache.avro.Schema record, String name) {
    org.apache.avro.Schema.Field f = record.getField(name);
    return f == null ? -1 : f.pos();
  }

  private static org.apache.avro.Schema rowRecord(org.apache.avro.Schema envelope, String name) {
    org.apache.avro.Schema.Field f = envelope.getField(name);
    if (f == null) {
      return null;
    }
    org.apache.avro.Schema s = AvroRowConverter.nonNull(f.schema(), name);
    if (s.getType() != org.apache.avro.Schema.Type.RECORD) {
      throw new IllegalArgumentException(
          "field "
              + name
              + ": a Debezium row image must be an Avro record, not "
              + s.getType().getName());
    }
    return s;
  }

  /** A numeric (or numeric string) metadata field of a record, or -1. */
  private static long longField(GenericRecord record, String name) {
    org.apache.avro.Schema.Field f = record.getSchema().getField(name);
    Object v = f == null ? null : record.get(f.pos());
    if (v instanceof Number n) {
      return n.longValue();
    }
    if (v instanceof CharSequence s) {
      try {
        return Long.parseLong(s.toString());
      } catch (NumberFormatException e) {
        return -1;
      }
    }
    return -1;
  }

  private static String stringField(GenericRecord record, String name) {
    org.apache.avro.Schema.Field f = record.getSchema().getField(name);
    Object v = f == null ? null : record.get(f.pos());
    return v == null ? null : v.toString();
  }
}
