package io.lakestream.cdc.debezium;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.lakestream.core.decode.JsonRowReader;
import io.lakestream.core.decode.JsonValues;
import io.lakestream.core.error.RecordException;
import io.lakestream.core.record.Change;
import io.lakestream.core.record.DataType;
import io.lakestream.core.record.Field;
import io.lakestream.core.record.Row;
import io.lakestream.core.record.Schema;
import io.lakestream.core.spec.SchemaSpec;
import io.lakestream.core.spec.SchemaSpec.TimestampFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Decodes Debezium change events written by Kafka Connect's JsonConverter into {@link Change}s of
 * rows of the declared schema, with {@code schemas.enable=true} ({@code {"schema":{...},
 * "payload":{envelope}}}) or without ({@code {envelope}}).
 *
 * <ul>
 *   <li>{@code op} {@code c}, {@code u} and {@code r} (snapshot read) are upserts of the {@code
 *       after} image; {@code d} deletes the {@code before} image's key, or, when {@code before} is
 *       null, the key in the Kafka record key (JSON, with or without an embedded schema).
 *   <li>A tombstone (null value), a {@code null} payload and a message without {@code op} (schema
 *       change, heartbeat, transaction boundary) change nothing: {@link #decode} returns null. So
 *       does {@code op} {@code m}, a PostgreSQL logical decoding message.
 *   <li>{@code op} {@code t} (truncate) cannot be expressed as row changes and is a {@link
 *       RecordException}, for the pipeline's error policy.
 *   <li>Columns are matched to image members by name; a column the image lacks is null, a member
 *       that is no column is ignored and reported in {@link EventInfo#unmappedFields()}.
 *   <li>The position is {@code source.lsn} (PostgreSQL), or MySQL's binlog coordinates as {@code
 *       fileIndex * 2^32 + pos} (3 for {@code mysql-bin.000003}), which order changes across file
 *       rotations (rows of one binlog event share a position); -1 for other connectors.
 * </ul>
 *
 * <p>With an embedded schema, each field's Kafka Connect type and semantic name decide the
 * encoding: {@code io.debezium.time.Date} days, {@code Timestamp} millis, {@code MicroTimestamp}
 * micros, {@code NanoTimestamp} nanos (truncated to micros), {@code ZonedTimestamp} ISO-8601
 * strings, Connect's {@code Decimal} base64 unscaled bytes (or numbers, with JsonConverter's {@code
 * decimal.format=NUMERIC}) at {@code parameters.scale}, {@code VariableScaleDecimal} {@code
 * {scale,value}} structs, bytes base64. A column whose event schema encodes something it cannot
 * hold (a time of day for a timestamp, bytes for a string) is a {@link RecordException}.
 *
 * <p>Without one, the JSON value's shape and the column's type decide: integers for timestamps are
 * microseconds (Debezium's {@code MicroTimestamp}, its default for PostgreSQL {@code timestamp}),
 * or what the spec's format for the column says ({@code epoch_millis}, {@code epoch_seconds});
 * strings for timestamps are ISO-8601, with an offset or else UTC; decimals are numbers, numeric
 * strings ({@code decimal.handling.mode} {@code double} or {@code string}) or, for other strings,
 * base64 unscaled bytes at the column's scale ({@code precise} mode); a string of digits only is
 * read as a number, so with {@code precise} decimals prefer embedded schemas.
 *
 * <p>Parsing streams: the embedded schema, usually several times larger than the payload, is
 * compiled once into readers and recognized by its bytes afterwards, so a repeated schema costs a
 * byte comparison. One decoder per task; not thread-safe.
 */
public final class DebeziumJsonDecoder implements DebeziumDecoder {
  private static final JsonFactory JSON =
      JsonFactory.builder()
          .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
          .enable(StreamReadFeature.USE_FAST_BIG_NUMBER_PARSER)
          .build();
  private static final ObjectMapper MAPPER =
      JsonMapper.builder(JSON).enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();
  private static final SerializedString SCHEMA = new SerializedString("schema");
  private static final byte[] PAYLOAD_NAME = "\"payload\"".getBytes(StandardCharsets.US_ASCII);

  /** Returned by {@link #tryJump} when the bytes are not in the shape it expects. */
  private static final Change NOT_JUMPED = new Change(Change.Kind.UPSERT, new Row(0), -1);

  private Schema schema;
  private final Map<String, TimestampFormat> formats;
  private Plan schemaless;

  /** Compiled envelope schemas by their bytes; a topic has one per schema version. */
  private SchemaCache<Plan> schemas = new SchemaCache<>(8);

  /** The rows' new schema, until {@link #schemaChange} hands it over. */
  private Schema changed;

  private EventInfo last;
  private EventInfo pending;

  /** Whether the message was decoded by {@link #tryJump}, past the parser of the whole message. */
  private boolean jumped;

  /** The metadata of the envelope being read. */
  private final SourceMetadata meta = new SourceMetadata();

  /**
   * A decoder into rows of {@code spec.schema()}, reading integer timestamps without an embedded
   * schema as {@code spec.timestampFormats()} says (microseconds unless a column's format is {@code
   * epoch_seconds} or {@code epoch_millis}).
   */
  public DebeziumJsonDecoder(SchemaSpec spec) {
    this(spec.schema(), spec.timestampFormats());
  }

  /**
   * A decoder into rows of {@code schema}; integer timestamps without a schema are microseconds.
   */
  public DebeziumJsonDecoder(Schema schema) {
    this(schema, Map.of());
  }

  /**
   * A decoder into rows of {@code schema}.
   *
   * @param formats how integer timestamps are written when the event has no embedded schema, by
   *     column path (nested: {@code parent.child}); a column not listed is in microseconds
   */
  public DebeziumJsonDecoder(Schema schema, Map<String, TimestampFormat> formats) {
    this.schema = schema;
    this.formats = Map.copyOf(formats);
    JsonRowReader rows = ConnectRowReaders.schemaless(schema, this.formats);
    this.schemaless = new Plan(rows, ConnectRowReaders.schemaless(schema, this.formats));
  }

  /**
   * Decodes one JsonConverter-serialized Debezium message.
   *
   * @return the change, or null for a tombstone, a null payload or a message without {@code op}
   * @throws RecordException if the message is not JSON, not an envelope, a truncate, or a value
   *     does not fit its column; the message names the field and the value
   */
  @Override
  public Change decode(byte[] key, byte[] value) {
    last = null;
    pending = null;
    jumped = false;
    if (value == null) {
      return null;
    }
    Change change;
    try (JsonParser p = JSON.createParser(value)) {
      JsonToken t = p.nextToken();
      if (t == JsonToken.VALUE_NULL) {
        change = null;
      } else if (t != JsonToken.START_OBJECT) {
        throw new RecordException("expected a JSON object, found " + JsonValues.describe(p));
      } else if (p.nextFieldName(SCHEMA)
          || (p.currentToken() == JsonToken.FIELD_NAME && "payload".equals(p.currentName()))) {
        change = decodeWrapped(p, key, value);
      } else {
        change = readEnvelope(p, schemaless, key, value, 0);
      }
      if (!jumped && p.nextToken() != null) {
        throw new RecordException(
            "unexpected content after the JSON object: " + JsonValues.describe(p));
      }
    } catch (IOException e) {
      throw JsonValues.malformed("malformed JSON", e);
    }
    last = change == null ? null : pending;
    return change;
  }

  @Override
  public EventInfo lastEvent() {
    return last;
  }

  /** Readers for the before and after images of one envelope schema. */
  private record Plan(JsonRowReader before, JsonRowReader after) {}

  /**
   * Reads {@code {"schema":..., "payload":...}}; the parser stands on the first field name. The
   * usual message, a known schema followed by the payload, jumps from the schema's last byte to the
   * payload without tokenizing the schema.
   */
  private Change decodeWrapped(JsonParser p, byte[] key, byte[] value) throws IOException {
    Plan plan = null;
    boolean schemaSeen = false;
    boolean payloadSeen = false;
    int payloadStart = -1;
    int payloadEnd = -1;
    Change result = null;
    for (JsonToken t = p.currentToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
      String name = p.currentName();
      JsonToken v = p.nextToken();
      if ("schema".equals(name)) {
        schemaSeen = true;
        if (v == JsonToken.VALUE_NULL) {
          plan = schemaless;
        } else if (v == JsonToken.START_OBJECT) {
          int start = (int) p.currentTokenLocation().getByteOffset();
          SchemaCache.Entry<Plan> hit = schemas.find(value, start);
          if (hit != null) {
            plan = hit.compiled();
            if (!payloadSeen) {
              Change change = tryJump(value, start + hit.bytes().length, plan, key);
              if (change != NOT_JUMPED) {
                jumped = true;
                return change;
              }
            }
            p.skipChildren();
          } else {
            JsonNode node = MAPPER.readTree(p);
            int end = (int) p.currentLocation().getByteOffset();
            plan = compile(node);
            schemas.add(Arrays.copyOfRange(value, start, end), plan);
          }
        } else {
          throw new RecordException(
              "schema: expected an object or null, found " + JsonValues.describe(p));
        }
      } else if ("payload".equals(name)) {
        payloadSeen = true;
        if (schemaSeen) {
          result = readPayload(p, plan, key, value, 0);
        } else {
          payloadStart = (int) p.currentTokenLocation().getByteOffset();
          p.skipChildren();
          payloadEnd = (int) p.currentLocation().getByteOffset();
        }
      } else {
        p.skipChildren();
      }
    }
    if (!payloadSeen) {
      throw new RecordException("message with a schema but no payload");
    }
    if (payloadStart >= 0) {
      try (JsonParser sub = JSON.createParser(value, payloadStart, payloadEnd - payloadStart)) {
        sub.nextToken();
        result = readPayload(sub, plan == null ? schemaless : plan, key, value, payloadStart);
      }
    }
    return result;
  }

  /**
   * Decodes the payload of {@code ,"payload":{...}}} following a known schema that ends just before
   * {@code from}, with a parser over the payload alone; {@link #NOT_JUMPED} if the bytes have
   * another shape or do not decode, for the general path to decide.
   */
  private Change tryJump(byte[] v, int from, Plan plan, byte[] key) {
    int i = skipWhitespace(v, from);
    if (i >= v.length || v[i] != ',') {
      return NOT_JUMPED;
    }
    i = skipWhitespace(v, i + 1);
    if (!Arrays.equals(
        v, i, Math.min(v.length, i + PAYLOAD_NAME.length), PAYLOAD_NAME, 0, PAYLOAD_NAME.length)) {
      return NOT_JUMPED;
    }
    i = skipWhitespace(v, i + PAYLOAD_NAME.length);
    if (i >= v.length || v[i] != ':') {
      return NOT_JUMPED;
    }
    int start = skipWhitespace(v, i + 1);
    int end = v.length - 1;
    while (end > start && isWhitespace(v[end])) {
      end--;
    }
    if (end <= start || v[end] != '}') {
      return NOT_JUMPED;
    }
    try (JsonParser sub = JSON.createParser(v, start, end - start)) {
      sub.nextToken();
      Change change = readPayload(sub, plan, key, v, start);
      return sub.nextToken() == null ? change : NOT_JUMPED;
    } catch (IOException | RecordException e) {
      return NOT_JUMPED;
    }
  }

  private Change readPayload(JsonParser p, Plan plan, byte[] key, byte[] buffer, int base)
      throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (t != JsonToken.START_OBJECT) {
      throw new RecordException("payload: expected an object, found " + JsonValues.describe(p));
    }
    return readEnvelope(p, plan, key, buffer, base);
  }

  /**
   * Reads an envelope object; the parser stands on its START_OBJECT or its first field name. The
   * after image is read as it comes; the before image, needed only by deletes and ahead of {@code
   * op} in Debezium's field order, is skipped and read again from its bytes if needed.
   *
   * @param base where the parser's input starts in {@code buffer}
   */
  private Change readEnvelope(JsonParser p, Plan plan, byte[] key, byte[] buffer, int base)
      throws IOException {
    meta.reset();
    char op = 0;
    String opText = null;
    Row after = null;
    int beforeStart = -1;
    int beforeEnd = -1;
    JsonToken t = p.currentToken() == JsonToken.START_OBJECT ? p.nextToken() : p.currentToken();
    for (; t == JsonToken.FIELD_NAME; t = p.nextToken()) {
      String name = p.currentName();
      JsonToken v = p.nextToken();
      switch (name) {
        case "after" -> {
          if (v == JsonToken.START_OBJECT) {
            after = plan.after().read(p);
          } else if (v != JsonToken.VALUE_NULL) {
            throw new RecordException(
                "after: expected an object or null, found " + JsonValues.describe(p));
          }
        }
        case "before" -> {
          if (v == JsonToken.START_OBJECT) {
            beforeStart = base + (int) p.currentTokenLocation().getByteOffset();
            p.skipChildren();
            beforeEnd = base + (int) p.currentLocation().getByteOffset();
          } else if (v != JsonToken.VALUE_NULL) {
            throw new RecordException(
                "before: expected an object or null, found " + JsonValues.describe(p));
          }
        }
        case "op" -> {
          if (v == JsonToken.VALUE_STRING) {
            opText = p.getText();
            op = opText.length() == 1 ? opText.charAt(0) : '?';
          } else if (v != JsonToken.VALUE_NULL) {
            throw new RecordException("op: expected a string, found " + JsonValues.describe(p));
          }
        }
        case "source" -> meta.readSource(p);
        case "ts_ms" -> meta.readTsMs(p);
        case "transaction" -> meta.readTransaction(p);
        default -> p.skipChildren();
      }
    }
    if (opText == null) {
      return null;
    }
    long position = meta.position();
    List<String> unmapped = null;
    Change change;
    switch (op) {
      case 'c', 'u', 'r' -> {
        if (after == null) {
          throw Envelopes.noAfter(op);
        }
        Envelopes.checkComplete(schema, after);
        unmapped = plan.after().unmapped();
        change = new Change(Change.Kind.UPSERT, after, position);
      }
      case 'd' -> {
        Row row;
        if (beforeStart >= 0) {
          try (JsonParser sub = JSON.createParser(buffer, beforeStart, beforeEnd - beforeStart)) {
            sub.nextToken();
            row = plan.before().read(sub);
            unmapped = plan.before().unmapped();
          }
        } else if (key != null) {
          row = readKey(key);
        } else {
          throw Envelopes.deleteWithoutKey(position);
        }
        change = new Change(Change.Kind.DELETE, row, position);
      }
      case 't' -> throw Envelopes.truncate(position);
      case 'm' -> {
        return null;
      }
      default -> throw Envelopes.unknownOp(opText);
    }
    pending =
        new EventInfo(
            EventInfo.Operation.of(op),
            meta.sourceTsMs,
            meta.tsMs,
            meta.transactionId,
            meta.totalOrder,
            meta.dataCollectionOrder,
            unmapped);
    return change;
  }

  /**
   * The key columns of a delete from the Kafka record key, e.g. {@code {"id":1}} or {@code
   * {"schema":{...},"payload":{"id":1}}}. Rare (a delete without a before image), so it takes the
   * simple path through a tree.
   */
  private Row readKey(byte[] key) throws IOException {
    JsonNode node;
    try {
      node = MAPPER.readTree(key);
    } catch (IOException e) {
      throw JsonValues.malformed("malformed JSON in the record key", e);
    }
    JsonRowReader reader = schemaless.before();
    if (node != null
        && node.isObject()
        && node.size() == 2
        && node.has("schema")
        && node.has("payload")) {
      JsonNode keySchema = node.get("schema");
      if (keySchema.isObject()) {
        reader = ConnectRowReaders.withSchema(schema, keySchema, formats);
      }
      node = node.get("payload");
    }
    if (node == null || !node.isObject()) {
      throw new RecordException(
          "record key: expected a JSON object of key columns, found "
              + (node == null
                  ? "nothing"
                  : node.getNodeType().name().toLowerCase(java.util.Locale.ROOT)));
    }
    try (JsonParser p = MAPPER.treeAsTokens(node)) {
      p.nextToken();
      return reader.read(p);
    } catch (RecordException e) {
      throw new RecordException("record key: " + e.getMessage());
    }
  }

  @Override
  public Schema schemaChange() {
    Schema result = changed;
    changed = null;
    return result;
  }

  /**
   * Takes the columns an embedded row schema has beyond the rows' (the source table gained them):
   * they are appended, nullable, and every compiled plan is dropped so that the rows have them.
   */
  private void learnColumns(JsonNode rowSchema) {
    List<Field> added = new ArrayList<>();
    for (JsonNode f : rowSchema.path("fields")) {
      String name = f.path("field").asText("");
      if (!name.isEmpty() && schema.position(name).isEmpty()) {
        DataType type = ConnectTypes.of(f);
        if (type != null) {
          added.add(Field.optional(name, type));
        }
      }
    }
    if (added.isEmpty()) {
      return;
    }
    List<Field> fields = new ArrayList<>(schema.fields());
    fields.addAll(added);
    schema = new Schema(fields);
    schemaless =
        new Plan(
            ConnectRowReaders.schemaless(schema, formats),
            ConnectRowReaders.schemaless(schema, formats));
    schemas = new SchemaCache<>(8);
    changed = schema;
  }

  /** Readers for an envelope schema: a struct whose fields include {@code before}/{@code after}. */
  private Plan compile(JsonNode envelope) {
    JsonNode before = null;
    JsonNode after = null;
    JsonNode fields = envelope.get("fields");
    if (fields != null && fields.isArray()) {
      for (JsonNode f : fields) {
        String name = f.path("field").asText("");
        if ("before".equals(name) && "struct".equals(f.path("type").asText())) {
          before = f;
        } else if ("after".equals(name) && "struct".equals(f.path("type").asText())) {
          after = f;
        }
      }
    }
    if (after != null) {
      learnColumns(after);
    }
    return new Plan(
        before == null
            ? schemaless.before()
            : ConnectRowReaders.withSchema(schema, before, formats),
        after == null ? schemaless.after() : ConnectRowReaders.withSchema(schema, after, formats));
  }

  private static int skipWhitespace(byte[] v, int i) {
    while (i < v.length && isWhitespace(v[i])) {
      i++;
    }
    return i;
  }

  private static boolean isWhitespace(byte b) {
    return b == ' ' || b == '\n' || b == '\r' || b == '\t';
  }
}
