package io.lakestream.core.decode;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.lakestream.core.error.RecordException;
import io.lakestream.core.record.Field;
import io.lakestream.core.record.Row;
import io.lakestream.core.record.Schema;
import io.lakestream.core.spec.SchemaSpec;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Reads the key columns of a row from a Kafka record's key, so that a tombstone (a record with a
 * null value) can delete the row it names. The key is a JSON object holding the key columns, such
 * as {@code {"order_id": 42}}; for a one-column key it may also be the bare value ({@code 42} or
 * {@code ORD-42}, read as text when it is not JSON). The row has the full schema's shape with only
 * the key columns set.
 */
public final class JsonKeyDecoder {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final List<String> key;
  private final JsonDecoder decoder;

  /**
   * @param spec the rows' declared schema
   * @param key the key columns, top-level fields of {@code spec}
   */
  public JsonKeyDecoder(SchemaSpec spec, List<String> key) {
    this.key = List.copyOf(key);
    List<Field> optional =
        spec.schema().fields().stream()
            .map(f -> new Field(f.name(), f.type(), false, f.doc()))
            .toList();
    this.decoder = new JsonDecoder(new SchemaSpec(new Schema(optional), spec.timestampFormats()));
  }

  /**
   * The row whose key columns are those of {@code recordKey}.
   *
   * @throws RecordException if the key is missing, is not JSON of the key's shape, or lacks a key
   *     column
   */
  public Row decode(byte[] recordKey) {
    if (recordKey == null) {
      throw new RecordException("a tombstone without a key cannot name the row to delete");
    }
    String text = new String(recordKey, StandardCharsets.UTF_8);
    JsonNode node;
    try {
      node = MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      node = null;
    }
    if (node == null || !node.isObject()) {
      if (key.size() != 1) {
        throw new RecordException(
            "the key of a tombstone must be a JSON object with the key columns " + key);
      }
      ObjectNode wrapped = MAPPER.createObjectNode();
      wrapped.set(key.get(0), node == null || node.isMissingNode() ? new TextNode(text) : node);
      node = wrapped;
    }
    for (String column : key) {
      JsonNode value = node.get(column);
      if (value == null || value.isNull()) {
        throw new RecordException("the key of a tombstone has no value for key column " + column);
      }
    }
    try {
      return decoder.decode(MAPPER.writeValueAsBytes(node));
    } catch (JsonProcessingException e) {
      throw new RecordException("the key of a tombstone cannot be read: " + e.getOriginalMessage());
    }
  }
}
