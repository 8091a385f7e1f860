package io.lakestream.cdc.debezium;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * The metadata of the JSON envelope being read: from {@code source}, {@code ts_ms} and {@code
 * transaction}. Mutable and reused for every envelope; absent numbers are -1.
 */
final class SourceMetadata {
  long lsn;
  String binlogFile;
  long binlogPos;
  long sourceTsMs;
  long tsMs;
  String transactionId;
  long totalOrder;
  long dataCollectionOrder;

  void reset() {
    lsn = -1;
    binlogFile = null;
    binlogPos = -1;
    sourceTsMs = -1;
    tsMs = -1;
    transactionId = null;
    totalOrder = -1;
    dataCollectionOrder = -1;
  }

  /** The change's position, see {@link Envelopes#position}. */
  long position() {
    return Envelopes.position(lsn, binlogFile, binlogPos);
  }

  /** Reads the {@code source} block the parser stands on; anything but an object is skipped. */
  void readSource(JsonParser p) throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      p.skipChildren();
      return;
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      p.nextToken();
      switch (name) {
        case "lsn" -> lsn = readLong(p);
        case "file" -> binlogFile = readString(p);
        case "pos" -> binlogPos = readLong(p);
        case "ts_ms" -> sourceTsMs = readLong(p);
        default -> p.skipChildren();
      }
    }
  }

  /** Reads the {@code transaction} block the parser stands on; null or others are skipped. */
  void readTransaction(JsonParser p) throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      p.skipChildren();
      return;
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      p.nextToken();
      switch (name) {
        case "id" -> transactionId = readString(p);
        case "total_order" -> totalOrder = readLong(p);
        case "data_collection_order" -> dataCollectionOrder = readLong(p);
        default -> p.skipChildren();
      }
    }
  }

  /** Reads the envelope's {@code ts_ms}. */
  void readTsMs(JsonParser p) throws IOException {
    tsMs = readLong(p);
  }

  /**
   * A metadata number; Debezium's documentation shows some as strings ({@code "ts_ms":
   * "1580390884335"}), so numeric strings count. -1 for anything else.
   */
  private static long readLong(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NUMBER_INT) {
      return p.getLongValue();
    }
    if (t == JsonToken.VALUE_STRING) {
      try {
        return Long.parseLong(p.getText());
      } catch (NumberFormatException e) {
        return -1;
      }
    }
    p.skipChildren();
    return -1;
  }

  /** A metadata string, or null for anything else. */
  private static String readString(JsonParser p) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_STRING) {
      return p.getText();
    }
    p.skipChildren();
    return null;
  }
}
