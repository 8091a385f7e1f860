package io.lakestream.cdc.postgres;

import io.lakestream.cdc.postgres.PgOutputMessage.Relation;
import io.lakestream.core.error.PipelineException;
import io.lakestream.core.error.RecordException;
import io.lakestream.core.record.Change;
import io.lakestream.core.record.DataType;
import io.lakestream.core.record.Field;
import io.lakestream.core.record.Row;
import io.lakestream.core.record.Schema;
import io.lakestream.core.source.SourceTable;
import io.lakestream.core.source.SplitReader;
import io.lakestream.core.source.SplitStart;
import io.lakestream.core.source.TableChange;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;
import org.postgresql.replication.ReplicationSlotInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one PostgreSQL slot, the source's only split: on a first start, creates the slot and copies
 * the tables' rows from the snapshot the slot exported (so the stream then starts exactly after
 * them), then produces every replicated change in commit order.
 *
 * <ul>
 *   <li>It is at a checkpoint boundary between transactions only, so a checkpoint holds whole
 *       transactions and its position is the end of the last one.
 *   <li>During the initial snapshot it has no position, so checkpoints hold nothing of it: a
 *       snapshot is committed whole or not at all, and a restart before it finished starts over
 *       with a new slot.
 *   <li>The slot's confirmed position moves only when the pipeline acknowledges a position, after
 *       the checkpoint holding it is committed to every table.
 * </ul>
 */
final class PostgresSplitReader implements SplitReader<TableChange> {
  private static final Logger LOG = LoggerFactory.getLogger(PostgresSplitReader.class);
  private static final int BATCH = 10_000;
  private static final long IDLE_SLEEP_MILLIS = 5;
  private static final String END_PREFIX = "lakestream-end";

  private final PostgresSourceSpec spec;
  private final Map<String, PostgresTables.Definition> definitions = new HashMap<>();
  private final boolean bounded;
  private final PgOutputDecoder decoder = new PgOutputDecoder();
  private final Relations relations = new Relations();
  private final Map<Integer, int[]> columnMaps = new HashMap<>();
  private volatile long acknowledged = -1;

  private Connection plain;
  private Connection replication;
  private SnapshotCopy copy;
  private PGReplicationStream stream;
  private long confirmed = -1;
  private Long position;
  private boolean inTransaction;
  private boolean endMarkerSeen;
  private boolean finished;
  private boolean caughtUp;
  private String endMarker; // bounded runs: the content of the message that marks the log's end
  private Handler<? super TableChange> handler;

  PostgresSplitReader(
      PostgresSourceSpec spec, List<PostgresTables.Definition> definitions, boolean bounded) {
    this.spec = spec;
    definitions.forEach(d -> this.definitions.put(d.table().name(), d));
    this.bounded = bounded;
  }

  /** Everything up to {@code lsn} is committed; the slot is told at the next poll. */
  void acknowledge(long lsn) {
    acknowledged = lsn;
  }

  @Override
  public void add(List<SplitStart> splits) {
    if (splits.size() != 1 || plain != null) {
      throw new IllegalStateException("A PostgreSQL slot is one split, added once: " + splits);
    }
    position = splits.get(0).position();
    try {
      plain = PostgresConnections.plain(spec);
      replication = PostgresConnections.replication(spec);
      ensurePublication();
      if (position == null) {
        createSlotAndSnapshot();
      } else {
        requireSlot();
        startStream();
      }
    } catch (SQLException e) {
      throw new PipelineException(e.getMessage(), e);
    }
  }

  @Override
  public void poll(long waitMillis, Handler<? super TableChange> handler)
      throws InterruptedException {
    this.handler = handler;
    try {
      if (copy != null) {
        if (copy.copy(BATCH, this::copied)) {
          copy.close();
          copy = null;
          startStream();
        }
        return;
      }
      confirmAcknowledged();
      for (int n = 0; n < BATCH && !finished; n++) {
        ByteBuffer message = stream.readPending();
        caughtUp = message == null;
        if (message == null) {
          if (n == 0) {
            Thread.sleep(Math.min(waitMillis, IDLE_SLEEP_MILLIS));
          }
          return;
        }
        handle(decoder.decode(message), plain);
      }
    } catch (SQLException e) {
      throw new PipelineException(e.getMessage(), e);
    } finally {
      this.handler = null;
    }
  }

  private void copied(String table, Row row) {
    handler.accept(new TableChange.Apply(table, new Change(Change.Kind.UPSERT, row, -1)), 0);
  }

  private void confirmAcknowledged() throws SQLException {
    long ack = acknowledged;
    if (ack > confirmed) {
      LogSequenceNumber lsn = LogSequenceNumber.valueOf(ack);
      stream.setFlushedLSN(lsn);
      stream.setAppliedLSN(lsn);
      stream.forceUpdateStatus();
      confirmed = ack;
    }
  }

  @Override
  public Long position(int split) {
    return copy != null ? null : position;
  }

  @Override
  public boolean atBoundary() {
    return !inTransaction;
  }

  @Override
  public boolean caughtUp(int split) {
    return caughtUp;
  }

  @Override
  public boolean finished(int split) {
    return finished;
  }

  @Override
  public void close() {
    try (Connection p = plain;
        Connection r = replication;
        SnapshotCopy c = copy) {
      if (stream != null) {
        stream.close();
      }
    } catch (SQLException e) {
      LOG.warn("Closing the connections of slot {}: {}", spec.slot(), e.getMessage());
    }
  }

  private void startStream() throws SQLException {
    if (bounded) {
      endMarker = markEndOfLog();
    }
    stream =
        replication
            .unwrap(PGConnection.class)
            .getReplicationAPI()
            .replicationStream()
            .logical()
            .withSlotName(spec.slot())
            .withStartPosition(LogSequenceNumber.valueOf(position))
            .withSlotOption("proto_version", "1")
            .withSlotOption("publication_names", spec.publication())
            .withSlotOption("messages", "true")
            .withStatusInterval(5, TimeUnit.SECONDS)
            .start();
  }

  private void handle(PgOutputMessage message, Connection plain) throws SQLException {
    if (message instanceof Relation r) {
      relations.put(r);
      columnMaps.put(r.oid(), columnMap(r));
    } else if (message instanceof PgOutputMessage.Begin) {
      inTransaction = true;
    } else if (message instanceof PgOutputMessage.Commit c) {
      inTransaction = false;
      position = c.endLsn();
      if (endMarkerSeen) {
        finished = true; // everything the log held when the run started is applied
      }
    } else if (message instanceof PgOutputMessage.LogicalMessage m) {
      endMarkerSeen |=
          END_PREFIX.equals(m.prefix())
              && StandardCharsets.UTF_8.decode(m.content()).toString().equals(endMarker);
    } else if (message instanceof PgOutputMessage.Insert i) {
      apply(i.relationOid(), Change.Kind.UPSERT, i.newTuple(), null, plain);
    } else if (message instanceof PgOutputMessage.Update u) {
      if (u.oldKind() == PgOutputMessage.OldTupleKind.KEY) {
        // the key changed: the row under the old key goes away
        apply(u.relationOid(), Change.Kind.DELETE, u.oldTuple(), null, plain);
      }
      apply(u.relationOid(), Change.Kind.UPSERT, u.newTuple(), u.oldTuple(), plain);
    } else if (message instanceof PgOutputMessage.Delete d) {
      apply(d.relationOid(), Change.Kind.DELETE, d.oldTuple(), null, plain);
    } else if (message instanceof PgOutputMessage.Truncate t) {
      throw new PipelineException(
          "TRUNCATE of a replicated table is not supported: the lake table would keep its rows."
              + " Tables: "
              + t.relationOids().stream().map(oid -> relations.get(oid).qualifiedName()).toList());
    }
  }

  /** For each column of the lake table, its position in the relation's tuples (or -1). */
  private int[] columnMap(Relation r) {
    PostgresTables.Definition d = definitions.get(r.qualifiedName());
    if (d == null) {
      return null; // a table of the publication the pipeline does not read
    }
    d = followSchema(r, d);
    Schema schema = d.table().schema();
    int[] map = new int[schema.size()];
    for (int i = 0; i < map.length; i++) {
      map[i] = -1;
      for (int c = 0; c < r.columns().size(); c++) {
        if (r.columns().get(c).name().equals(schema.field(i).name())) {
          map[i] = c;
        }
      }
    }
    return map;
  }

  /**
   * Compares a relation's columns with what the lake table holds: new columns (appended) and
   * changed types make the lake table evolve before the rows that have them; dropped columns are
   * written as null.
   */
  private PostgresTables.Definition followSchema(Relation r, PostgresTables.Definition d) {
    Schema schema = d.table().schema();
    List<Field> fields = new ArrayList<>(schema.fields());
    int[] oids = Arrays.copyOf(d.typeOids(), schema.size());
    boolean changed = false;
    for (Relation.Column c : r.columns()) {
      DataType type = PgTypes.dataType(c.typeOid(), c.typeModifier());
      int at = schema.position(c.name()).orElse(-1);
      if (at < 0) {
        fields.add(new Field(c.name(), type, false, null));
        oids = Arrays.copyOf(oids, oids.length + 1);
        oids[oids.length - 1] = c.typeOid();
        changed = true;
      } else if (!schema.field(at).type().equals(type)) {
        Field old = schema.field(at);
        fields.set(at, new Field(old.name(), type, old.required(), old.doc()));
        oids[at] = c.typeOid();
        changed = true;
      }
    }
    if (!changed) {
      return d;
    }
    Schema evolved = new Schema(fields);
    LOG.info(
        "Table {} changed its columns at WAL position {}: the lake table follows ({})",
        r.qualifiedName(),
        LogSequenceNumber.valueOf(position),
        evolved.fields().stream().map(f -> f.name() + " " + f.type()).toList());
    handler.accept(new TableChange.Evolve(r.qualifiedName(), evolved), 0);
    PostgresTables.Definition next =
        new PostgresTables.Definition(
            new SourceTable(d.table().name(), evolved, d.table().key()), oids);
    definitions.put(r.qualifiedName(), next);
    return next;
  }

  /**
   * Applies one replicated row change. An unchanged TOASTed value (sent as "unchanged" with no
   * value) is taken from the old tuple when the table's replica identity sends it, else read from
   * the table by key.
   */
  private void apply(
      int relationOid, Change.Kind kind, TupleData tuple, TupleData old, Connection plain)
      throws SQLException {
    int[] map = columnMaps.get(relationOid);
    if (map == null) {
      return; // not a table this pipeline reads
    }
    Relation r = relations.get(relationOid);
    PostgresTables.Definition d = definitions.get(r.qualifiedName());
    Schema schema = d.table().schema();
    Row row = new Row(schema.size());
    List<Integer> toastMissing = new ArrayList<>();
    for (int i = 0; i < map.length; i++) {
      int c = map[i];
      if (c < 0 || c >= tuple.size() || tuple.isNull(c)) {
        continue;
      }
      if (tuple.isUnchangedToast(c)) {
        if (old != null && c < old.size() && !old.isUnchangedToast(c) && !old.isNull(c)) {
          row.set(i, value(r, c, old.text(c), schema.field(i)));
        } else {
          toastMissing.add(i);
        }
        continue;
      }
      row.set(i, value(r, c, tuple.text(c), schema.field(i)));
    }
    if (!toastMissing.isEmpty() && kind == Change.Kind.UPSERT) {
      readCurrentValues(plain, d, row, toastMissing);
    }
    handler.accept(
        new TableChange.Apply(
            r.qualifiedName(), new Change(kind, row, position == null ? -1 : position)),
        0);
  }

  private Object value(Relation r, int column, String text, Field field) {
    try {
      return PgValues.parse(text, r.columns().get(column).typeOid(), field.type());
    } catch (RecordException e) {
      throw new PipelineException(
          "Cannot convert column "
              + field.name()
              + " of "
              + r.qualifiedName()
              + " after WAL position "
              + LogSequenceNumber.valueOf(position)
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /** Reads columns the stream did not send (unchanged TOASTed values) from the table by key. */
  private void readCurrentValues(
      Connection plain, PostgresTables.Definition d, Row row, List<Integer> columns)
      throws SQLException {
    Schema schema = d.table().schema();
    StringBuilder sql = new StringBuilder("SELECT ");
    for (int k = 0; k < columns.size(); k++) {
      sql.append(k == 0 ? "" : ", ")
          .append(PostgresSql.quote(schema.field(columns.get(k)).name()))
          .append("::text");
    }
    sql.append(" FROM ").append(PostgresSql.quoteTable(d.table().name())).append(" WHERE ");
    List<String> key = d.table().key();
    for (int k = 0; k < key.size(); k++) {
      sql.append(k == 0 ? "" : " AND ").append(PostgresSql.quote(key.get(k))).append("::text = ?");
    }
    try (PreparedStatement s = plain.prepareStatement(sql.toString())) {
      for (int k = 0; k < key.size(); k++) {
        Object value = row.get(schema.position(key.get(k)).orElseThrow());
        s.setString(k + 1, value == null ? null : value.toString());
      }
      try (ResultSet rs = s.executeQuery()) {
        if (rs.next()) {
          for (int k = 0; k < columns.size(); k++) {
            int i = columns.get(k);
            String text = rs.getString(k + 1);
            row.set(
                i,
                text == null
                    ? null
                    : PgValues.parse(text, d.typeOids()[i], schema.field(i).type()));
          }
        }
      }
    }
  }

  private void ensurePublication() throws SQLException {
    try (PreparedStatement s =
        plain.prepareStatement("SELECT 1 FROM pg_publication WHERE pubname = ?")) {
      s.setString(1, spec.publication());
      try (ResultSet rs = s.executeQuery()) {
        if (rs.next()) {
          return;
        }
      }
    }
    StringBuilder sql =
        new StringBuilder("CREATE PUBLICATION ")
            .append(PostgresSql.quote(spec.publication()))
            .append(" FOR TABLE ");
    for (int i = 0; i < spec.tables().size(); i++) {
      sql.append(i == 0 ? "" : ", ").append(PostgresSql.quoteTable(spec.tables().get(i)));
    }
    try (Statement s = plain.createStatement()) {
      s.execute(sql.toString());
    }
    LOG.info("Created publication {} for {}", spec.publication(), spec.tables());
  }

  private void requireSlot() throws SQLException {
    try (PreparedStatement s =
        plain.prepareStatement("SELECT 1 FROM pg_replication_slots WHERE slot_name = ?")) {
      s.setString(1, spec.slot());
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next()) {
          throw new PipelineException(
              "Replication slot "
                  + spec.slot()
                  + " no longer exists, so the changes after WAL position "
                  + LogSequenceNumber.valueOf(position)
                  + " may be gone. Start over with a new pipeline id and new tables (the initial"
                  + " snapshot copies the rows again).");
        }
      }
    }
  }

  /**
   * Creates the slot (dropping one a previous run left before its first checkpoint) and, with
   * {@code snapshot: initial}, starts copying the tables' rows as of the slot's exported snapshot.
   * The stream starts at the slot's consistent point, exactly after the copied rows.
   */
  private void createSlotAndSnapshot() throws SQLException {
    try (PreparedStatement s =
        plain.prepareStatement(
            "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                + " WHERE slot_name = ? AND NOT active")) {
      s.setString(1, spec.slot());
      try (ResultSet rs = s.executeQuery()) {
        if (rs.next()) {
          LOG.info("Dropped slot {}: it holds no committed checkpoint", spec.slot());
        }
      }
    }
    ReplicationSlotInfo slot =
        replication
            .unwrap(PGConnection.class)
            .getReplicationAPI()
            .createReplicationSlot()
            .logical()
            .withSlotName(spec.slot())
            .withOutputPlugin("pgoutput")
            .make();
    LOG.info("Created replication slot {} at {}", spec.slot(), slot.getConsistentPoint());
    position = slot.getConsistentPoint().asLong();
    if (spec.snapshot() == PostgresSourceSpec.Snapshot.INITIAL) {
      copy = new SnapshotCopy(spec, slot.getSnapshotName(), definitions.values());
    } else {
      startStream();
    }
  }

  /**
   * Writes a logical decoding message into the log, in a transaction of its own: when the stream
   * delivers it, everything the log held before is applied.
   */
  private String markEndOfLog() throws SQLException {
    String marker = spec.slot() + "-" + UUID.randomUUID();
    try (PreparedStatement s =
        plain.prepareStatement("SELECT pg_logical_emit_message(true, ?, ?)")) {
      s.setString(1, END_PREFIX);
      s.setString(2, marker);
      s.execute();
    }
    return marker;
  }
}
