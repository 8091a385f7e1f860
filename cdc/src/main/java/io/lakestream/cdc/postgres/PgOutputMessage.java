package io.lakestream.cdc.postgres;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;

/**
 * One message of PostgreSQL's pgoutput logical replication protocol, version 1, as described in the
 * PostgreSQL documentation, "Logical Replication Message Formats". {@link PgOutputDecoder} produces
 * them.
 *
 * <p>Conventions shared by all messages:
 *
 * <ul>
 *   <li>LSNs are the server's 64-bit WAL positions as {@code long}s (PgJDBC's {@code
 *       LogSequenceNumber.valueOf(long)} prints them as {@code 16/B374D848}).
 *   <li>Timestamps are microseconds since the Unix epoch, UTC (the protocol counts from 2000-01-01;
 *       the decoder converts).
 *   <li>OIDs are PostgreSQL's unsigned 32-bit object ids held in an {@code int}: OIDs above 2^31
 *       are negative here, which keeps equality and hashing right; print them with {@link
 *       Integer#toUnsignedString(int)}.
 *   <li>Transaction ids are unsigned 32-bit values held in a {@code long}, so never negative.
 * </ul>
 */
public sealed interface PgOutputMessage {

  /**
   * Begin ({@code 'B'}): a transaction starts; its changes follow, then a {@link Commit}.
   *
   * @param finalLsn the LSN of the transaction's commit record
   * @param commitTimeMicros commit time, microseconds since the Unix epoch
   * @param xid the transaction id
   */
  record Begin(long finalLsn, long commitTimeMicros, long xid) implements PgOutputMessage {}

  /**
   * Commit ({@code 'C'}): the transaction begun by the last {@link Begin} is complete.
   *
   * @param flags currently unused by the server (0)
   * @param commitLsn the LSN of the commit record
   * @param endLsn the LSN just past the transaction; confirm this one to the server once the
   *     transaction is durable downstream
   * @param commitTimeMicros commit time, microseconds since the Unix epoch
   */
  record Commit(int flags, long commitLsn, long endLsn, long commitTimeMicros)
      implements PgOutputMessage {}

  /**
   * Origin ({@code 'O'}): the transaction was replicated into this server from another one.
   *
   * @param commitLsn the LSN of the commit on the origin server
   * @param name the replication origin's name
   */
  record Origin(long commitLsn, String name) implements PgOutputMessage {
    public Origin {
      Objects.requireNonNull(name, "name");
    }
  }

  /**
   * Relation ({@code 'R'}): the shape of a table, sent before the first change to it in a
   * replication session and again whenever it changes (a column added, dropped, retyped). A newer
   * Relation message for an OID replaces the older one; see {@link Relations}.
   *
   * @param oid the relation's OID, which changes to it refer to
   * @param namespace the schema name ({@code ""} for {@code pg_catalog})
   * @param name the table name
   * @param replicaIdentity what old-row data updates and deletes carry
   * @param columns the published columns in the order tuples list them (generated columns are not
   *     sent)
   */
  record Relation(
      int oid, String namespace, String name, ReplicaIdentity replicaIdentity, List<Column> columns)
      implements PgOutputMessage {

    public Relation {
      Objects.requireNonNull(namespace, "namespace");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(replicaIdentity, "replicaIdentity");
      columns = List.copyOf(columns);
    }

    /** {@code namespace.name}, or just the name for {@code pg_catalog}. */
    public String qualifiedName() {
      return namespace.isEmpty() ? name : namespace + "." + name;
    }

    /**
     * One column of a relation.
     *
     * @param flags bit 0 set marks a column of the replica identity (the key)
     * @param name the column name
     * @param typeOid the OID of the column's type (see {@link PgTypes})
     * @param typeModifier the type modifier ({@code atttypmod}), -1 if none, e.g. the precision and
     *     scale of a {@code numeric(p,s)}
     */
    public record Column(int flags, String name, int typeOid, int typeModifier) {
      /** The flag bit marking a key column. */
      public static final int KEY_FLAG = 1;

      public Column {
        Objects.requireNonNull(name, "name");
      }

      /** Whether this column is part of the replica identity, i.e. of the key. */
      public boolean isKey() {
        return (flags & KEY_FLAG) != 0;
      }
    }
  }

  /**
   * A table's {@code REPLICA IDENTITY}: which columns of the old row updates and deletes carry. The
   * protocol sends {@code pg_class.relreplident}.
   */
  enum ReplicaIdentity {
    /** The primary key, if any ({@code 'd'}). */
    DEFAULT('d'),
    /** Nothing: updates and deletes cannot be published ({@code 'n'}). */
    NOTHING('n'),
    /** The whole old row ({@code 'f'}). */
    FULL('f'),
    /** The columns of a chosen unique index ({@code 'i'}). */
    INDEX('i');

    private final char code;

    ReplicaIdentity(char code) {
      this.code = code;
    }

    /** The {@code relreplident} character. */
    public char code() {
      return code;
    }

    /**
     * The identity with the given {@code relreplident} character.
     *
     * @throws PgOutputException if {@code code} is none of {@code d n f i}
     */
    public static ReplicaIdentity of(int code) {
      for (ReplicaIdentity r : values()) {
        if (r.code == code) {
          return r;
        }
      }
      throw new PgOutputException(
          "Unknown replica identity "
              + PgOutputDecoder.describeByte(code)
              + " in Relation message");
    }
  }

  /**
   * Type ({@code 'Y'}): names a data type that is not built in (an enum, a domain, a composite),
   * sent before a Relation message that uses it.
   *
   * @param oid the type's OID
   * @param namespace the schema name ({@code ""} for {@code pg_catalog})
   * @param name the type name
   */
  record Type(int oid, String namespace, String name) implements PgOutputMessage {
    public Type {
      Objects.requireNonNull(namespace, "namespace");
      Objects.requireNonNull(name, "name");
    }
  }

  /**
   * Insert ({@code 'I'}): a new row.
   *
   * @param relationOid the table, as announced by a {@link Relation} message
   * @param newTuple the row
   */
  record Insert(int relationOid, TupleData newTuple) implements PgOutputMessage {
    public Insert {
      Objects.requireNonNull(newTuple, "newTuple");
    }
  }

  /** Which old-row data an Update or Delete message carries. */
  enum OldTupleKind {
    /** None (an update that left the key unchanged, under a key-based replica identity). */
    NONE,
    /**
     * The old row's key ({@code 'K'}): the replica identity columns hold the old values, the other
     * columns are NULL.
     */
    KEY,
    /** The whole old row ({@code 'O'}), under {@code REPLICA IDENTITY FULL}. */
    FULL
  }

  /**
   * Update ({@code 'U'}): a row changed.
   *
   * @param relationOid the table, as announced by a {@link Relation} message
   * @param oldKind which old-row data {@code oldTuple} holds
   * @param oldTuple the old key or old row, {@code null} when {@code oldKind} is NONE
   * @param newTuple the new row; columns whose TOASTed value did not change are {@link
   *     TupleData.Kind#UNCHANGED_TOAST}
   */
  record Update(int relationOid, OldTupleKind oldKind, TupleData oldTuple, TupleData newTuple)
      implements PgOutputMessage {
    public Update {
      Objects.requireNonNull(oldKind, "oldKind");
      Objects.requireNonNull(newTuple, "newTuple");
      if ((oldKind == OldTupleKind.NONE) != (oldTuple == null)) {
        throw new IllegalArgumentException("Old tuple must be present iff oldKind is not NONE");
      }
    }
  }

  /**
   * Delete ({@code 'D'}): a row was removed.
   *
   * @param relationOid the table, as announced by a {@link Relation} message
   * @param oldKind KEY or FULL, saying what {@code oldTuple} holds
   * @param oldTuple the removed row's key (other columns NULL) or the whole removed row
   */
  record Delete(int relationOid, OldTupleKind oldKind, TupleData oldTuple)
      implements PgOutputMessage {
    public Delete {
      Objects.requireNonNull(oldTuple, "oldTuple");
      if (oldKind == null || oldKind == OldTupleKind.NONE) {
        throw new IllegalArgumentException("A delete carries a key or an old row: " + oldKind);
      }
    }
  }

  /**
   * Truncate ({@code 'T'}): all rows of the listed tables were removed.
   *
   * @param options bit 0: {@code CASCADE}; bit 1: {@code RESTART IDENTITY}
   * @param relationOids the truncated tables
   */
  record Truncate(int options, List<Integer> relationOids) implements PgOutputMessage {
    public static final int CASCADE = 1;
    public static final int RESTART_IDENTITY = 2;

    public Truncate {
      relationOids = List.copyOf(relationOids);
    }

    /** Whether the statement said {@code CASCADE}. */
    public boolean cascade() {
      return (options & CASCADE) != 0;
    }

    /** Whether the statement said {@code RESTART IDENTITY}. */
    public boolean restartIdentity() {
      return (options & RESTART_IDENTITY) != 0;
    }
  }

  /**
   * Message ({@code 'M'}): a logical decoding message written with {@code pg_logical_emit_message}
   * (sent only when replication starts with the {@code messages} option).
   *
   * @param flags bit 0 set: the message is transactional
   * @param lsn the LSN of the message
   * @param prefix the prefix given to {@code pg_logical_emit_message}
   * @param content the content, read-only
   */
  record LogicalMessage(int flags, long lsn, String prefix, ByteBuffer content)
      implements PgOutputMessage {
    public LogicalMessage {
      Objects.requireNonNull(prefix, "prefix");
      content = content.asReadOnlyBuffer();
    }

    /** Whether the message belongs to the surrounding transaction. */
    public boolean transactional() {
      return (flags & 1) != 0;
    }
  }
}
