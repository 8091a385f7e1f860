package io.lakestream.cdc.debezium;

import java.util.List;
import java.util.Objects;

/**
 * What a Debezium envelope says about a change besides the row: the operation, its times and its
 * transaction. Absent numbers are -1, an absent transaction id null.
 *
 * @param op the envelope's {@code op}
 * @param sourceTsMs {@code source.ts_ms}: when the change happened in the database, epoch millis
 * @param tsMs the envelope's {@code ts_ms}: when the connector processed it, epoch millis
 * @param transactionId {@code transaction.id}, present when the connector runs with {@code
 *     provide.transaction.metadata=true}
 * @param totalOrder {@code transaction.total_order}: the event's place among all events of its
 *     transaction, from 1
 * @param dataCollectionOrder {@code transaction.data_collection_order}: its place among the events
 *     of its transaction for the same table, from 1
 * @param unmappedFields members of the decoded row image that are not columns of the declared
 *     schema (ignored, but a sign that the source table gained columns), empty if none
 */
public record EventInfo(
    Operation op,
    long sourceTsMs,
    long tsMs,
    String transactionId,
    long totalOrder,
    long dataCollectionOrder,
    List<String> unmappedFields) {

  public EventInfo {
    Objects.requireNonNull(op, "op");
    unmappedFields = unmappedFields == null ? List.of() : List.copyOf(unmappedFields);
  }

  /** The operations that become a {@link io.lakestream.core.record.Change}. */
  public enum Operation {
    /** {@code c}: a row was inserted. */
    CREATE,
    /** {@code u}: a row was updated. */
    UPDATE,
    /** {@code d}: a row was deleted. */
    DELETE,
    /** {@code r}: a row was read by the connector's snapshot. */
    READ;

    /** The operation of an {@code op} code, or null for codes that change no row. */
    static Operation of(char code) {
      return switch (code) {
        case 'c' -> CREATE;
        case 'u' -> UPDATE;
        case 'd' -> DELETE;
        case 'r' -> READ;
        default -> null;
      };
    }
  }
}
