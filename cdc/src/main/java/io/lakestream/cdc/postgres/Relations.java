package io.lakestream.cdc.postgres;

import io.lakestream.cdc.postgres.PgOutputMessage.Relation;
import io.lakestream.cdc.postgres.PgOutputMessage.Type;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The latest {@link Relation} and {@link Type} message per OID seen on one replication connection.
 *
 * <p>The server sends a Relation message before the first change to a table in each replication
 * session and again after the table changes, so a newer message for an OID replaces the older one:
 * that is how a schema change (an added, dropped or retyped column) arrives mid-stream. Changes
 * that follow refer to the newest shape. Because the server starts over on every connection, use
 * one instance per connection and discard it on reconnect.
 *
 * <p>Not thread-safe: one replication stream is read by one thread.
 */
public final class Relations {
  private final Map<Integer, Relation> relations = new HashMap<>();
  private final Map<Integer, Type> types = new HashMap<>();

  /**
   * Records {@code relation} as the current shape of its table.
   *
   * @return the shape it replaces, or {@code null} if this is the first for its OID
   */
  public Relation put(Relation relation) {
    return relations.put(relation.oid(), relation);
  }

  /**
   * Records {@code type} as the current name of its OID.
   *
   * @return the type it replaces, or {@code null} if this is the first for its OID
   */
  public Type put(Type type) {
    return types.put(type.oid(), type);
  }

  /**
   * The current shape of the table with {@code oid}.
   *
   * @throws PgOutputException if no Relation message for it has been seen: the stream was not read
   *     from the start of its replication session
   */
  public Relation get(int oid) {
    Relation relation = relations.get(oid);
    if (relation == null) {
      throw new PgOutputException(
          "No Relation message seen for relation OID "
              + Integer.toUnsignedString(oid)
              + " before a change to it; the server sends one at the start of every replication"
              + " session, so messages must be read from the session's start on one Relations");
    }
    return relation;
  }

  /** The current shape of the table with {@code oid}, if a Relation message for it was seen. */
  public Optional<Relation> find(int oid) {
    return Optional.ofNullable(relations.get(oid));
  }

  /** The type with {@code oid}, if a Type message for it was seen (built-in types never are). */
  public Optional<Type> type(int oid) {
    return Optional.ofNullable(types.get(oid));
  }

  /** The number of tables known. */
  public int size() {
    return relations.size();
  }
}
