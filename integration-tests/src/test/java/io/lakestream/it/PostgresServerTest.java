package io.lakestream.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;
import org.postgresql.replication.ReplicationSlotInfo;

/**
 * The test PostgreSQL server supports what CDC needs: pgoutput logical replication through PgJDBC's
 * replication API, flush acknowledgements that advance the slot, and the snapshot a slot exports
 * when it is created.
 */
@ExtendWith(Postgres.class)
class PostgresServerTest {
  private static final Duration STREAM_TIMEOUT = Duration.ofSeconds(30);

  @Test
  void refusesAWrongPassword(PostgresServer pg) {
    assertThatThrownBy(() -> DriverManager.getConnection(pg.jdbcUrl("postgres"), pg.user(), "nope"))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("password authentication failed for user \"lakestream\"");
  }

  @Test
  void runsWithLogicalReplicationSettings(PostgresServer pg) throws SQLException {
    try (Connection c = pg.connect("postgres");
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT current_setting('wal_level'), current_setting('max_replication_slots'),"
                    + " current_setting('server_encoding'), current_setting('fsync')")) {
      rs.next();
      assertThat(List.of(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)))
          .containsExactly("logical", "20", "UTF8", "off");
    }
  }

  @Test
  void streamsATransactionAsPgoutputMessagesAndAdvancesTheSlotToTheFlushedLsn(PostgresServer pg)
      throws Exception {
    String db = "pg_server_stream";
    String slot = "pg_server_stream";
    pg.createDatabase(db);
    try (Connection sql = pg.connect(db);
        Connection replication = replicationConnection(pg, db)) {
      createItemsTableAndPublication(sql);
      replication
          .unwrap(PGConnection.class)
          .getReplicationAPI()
          .createReplicationSlot()
          .logical()
          .withSlotName(slot)
          .withOutputPlugin("pgoutput")
          .make();
      LogSequenceNumber confirmedAtCreation = confirmedFlushLsn(sql, slot);

      sql.setAutoCommit(false);
      try (Statement s = sql.createStatement()) {
        s.execute("INSERT INTO items VALUES (1, 'one'), (2, 'two')");
        s.execute("UPDATE items SET name = 'uno' WHERE id = 1");
        s.execute("DELETE FROM items WHERE id = 2");
      }
      sql.commit();
      sql.setAutoCommit(true);

      try (PGReplicationStream stream = startStream(replication, slot)) {
        List<byte[]> messages = readThroughCommit(stream);

        assertThat(messages)
            .extracting(m -> (char) m[0])
            .containsExactly('B', 'R', 'I', 'I', 'U', 'D', 'C');
        LogSequenceNumber commitEnd = commitEndLsn(messages.get(messages.size() - 1));
        assertThat(commitEnd.asLong()).isGreaterThan(confirmedAtCreation.asLong());

        stream.setFlushedLSN(commitEnd);
        stream.setAppliedLSN(commitEnd);
        stream.forceUpdateStatus();

        await().atMost(STREAM_TIMEOUT).until(() -> confirmedFlushLsn(sql, slot).equals(commitEnd));
      }
      dropSlot(replication, slot);
    }
  }

  @Test
  void theSnapshotExportedWithTheSlotSeesExactlyTheRowsCommittedBeforeIt(PostgresServer pg)
      throws Exception {
    String db = "pg_server_snapshot";
    String slot = "pg_server_snapshot";
    pg.createDatabase(db);
    try (Connection sql = pg.connect(db);
        Connection reader = pg.connect(db);
        Connection replication = replicationConnection(pg, db)) {
      createItemsTableAndPublication(sql);
      try (Statement s = sql.createStatement()) {
        s.execute("INSERT INTO items VALUES (1, 'before'), (2, 'before')");
      }

      ReplicationSlotInfo info =
          replication
              .unwrap(PGConnection.class)
              .getReplicationAPI()
              .createReplicationSlot()
              .logical()
              .withSlotName(slot)
              .withOutputPlugin("pgoutput")
              .make();
      assertThat(info.getSnapshotName()).isNotBlank();
      // The exported snapshot lives only until the next command on the replication connection, so
      // it is imported before the stream starts.
      reader.setAutoCommit(false);
      reader.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      try (Statement s = reader.createStatement()) {
        s.execute("SET TRANSACTION SNAPSHOT '" + info.getSnapshotName() + "'");
      }
      try (Statement s = sql.createStatement()) {
        s.execute("INSERT INTO items VALUES (3, 'after')");
      }

      List<Integer> inSnapshot = ids(reader);
      reader.commit();
      List<Integer> streamed = new ArrayList<>();
      try (PGReplicationStream stream = startStream(replication, slot)) {
        for (byte[] m : readThroughCommit(stream)) {
          if (m[0] == 'I') {
            streamed.add(insertedId(m));
          }
        }
      }

      assertThat(inSnapshot).containsExactly(1, 2);
      assertThat(streamed).containsExactly(3);
      assertThat(ids(sql)).containsExactly(1, 2, 3);
      dropSlot(replication, slot);
    }
  }

  @Test
  void theExportedSnapshotEndsWithTheNextCommandOnTheReplicationConnection(PostgresServer pg)
      throws Exception {
    String db = "pg_server_snapshot_end";
    String slot = "pg_server_snapshot_end";
    pg.createDatabase(db);
    try (Connection sql = pg.connect(db);
        Connection reader = pg.connect(db);
        Connection replication = replicationConnection(pg, db)) {
      createItemsTableAndPublication(sql);
      ReplicationSlotInfo info =
          replication
              .unwrap(PGConnection.class)
              .getReplicationAPI()
              .createReplicationSlot()
              .logical()
              .withSlotName(slot)
              .withOutputPlugin("pgoutput")
              .make();

      try (PGReplicationStream stream = startStream(replication, slot)) {
        reader.setAutoCommit(false);
        reader.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        try (Statement s = reader.createStatement()) {
          assertThatThrownBy(
                  () -> s.execute("SET TRANSACTION SNAPSHOT '" + info.getSnapshotName() + "'"))
              .isInstanceOf(SQLException.class)
              .hasMessageContaining("invalid snapshot identifier");
        }
        reader.rollback();
      }
      dropSlot(replication, slot);
    }
  }

  private static Connection replicationConnection(PostgresServer pg, String db)
      throws SQLException {
    Properties props = new Properties();
    PGProperty.USER.set(props, pg.user());
    PGProperty.PASSWORD.set(props, pg.password());
    PGProperty.ASSUME_MIN_SERVER_VERSION.set(props, "10");
    PGProperty.REPLICATION.set(props, "database");
    PGProperty.PREFER_QUERY_MODE.set(props, "simple");
    return DriverManager.getConnection(pg.jdbcUrl(db), props);
  }

  private static void createItemsTableAndPublication(Connection sql) throws SQLException {
    try (Statement s = sql.createStatement()) {
      s.execute("CREATE TABLE items (id int PRIMARY KEY, name text)");
      s.execute("CREATE PUBLICATION items_pub FOR TABLE items");
    }
  }

  private static PGReplicationStream startStream(Connection replication, String slot)
      throws SQLException {
    return replication
        .unwrap(PGConnection.class)
        .getReplicationAPI()
        .replicationStream()
        .logical()
        .withSlotName(slot)
        .withSlotOption("proto_version", "1")
        .withSlotOption("publication_names", "items_pub")
        .start();
  }

  /** Every message up to and including the first Commit. */
  private static List<byte[]> readThroughCommit(PGReplicationStream stream) {
    List<byte[]> messages = new ArrayList<>();
    await()
        .atMost(STREAM_TIMEOUT)
        .pollInSameThread()
        .pollInterval(Duration.ofMillis(10))
        .until(
            () -> {
              ByteBuffer b;
              while ((b = stream.readPending()) != null) {
                byte[] m = new byte[b.remaining()];
                b.get(m);
                messages.add(m);
                if (m[0] == 'C') {
                  return true;
                }
              }
              return false;
            });
    return messages;
  }

  /** Commit (protocol 1): 'C', flags (1), commit LSN (8), end LSN (8), timestamp (8). */
  private static LogSequenceNumber commitEndLsn(byte[] commit) {
    return LogSequenceNumber.valueOf(ByteBuffer.wrap(commit).getLong(1 + 1 + 8));
  }

  /**
   * The first column of an Insert (protocol 1): 'I', relation id (4), 'N', column count (2), then
   * per column a kind byte and, for 't' (text), a length (4) and the text.
   */
  private static int insertedId(byte[] insert) {
    ByteBuffer b = ByteBuffer.wrap(insert);
    assertThat((char) b.get()).isEqualTo('I');
    b.getInt();
    assertThat((char) b.get()).isEqualTo('N');
    b.getShort();
    assertThat((char) b.get()).isEqualTo('t');
    byte[] text = new byte[b.getInt()];
    b.get(text);
    return Integer.parseInt(new String(text, StandardCharsets.UTF_8));
  }

  private static LogSequenceNumber confirmedFlushLsn(Connection sql, String slot)
      throws SQLException {
    try (PreparedStatement s =
        sql.prepareStatement(
            "SELECT confirmed_flush_lsn FROM pg_replication_slots WHERE slot_name = ?")) {
      s.setString(1, slot);
      try (ResultSet rs = s.executeQuery()) {
        assertThat(rs.next()).as("slot %s exists", slot).isTrue();
        return LogSequenceNumber.valueOf(rs.getString(1));
      }
    }
  }

  private static List<Integer> ids(Connection c) throws SQLException {
    List<Integer> ids = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id FROM items ORDER BY id")) {
      while (rs.next()) {
        ids.add(rs.getInt(1));
      }
    }
    return ids;
  }

  /** Slots are cluster-wide and hold WAL back, so every test drops the ones it made. */
  private static void dropSlot(Connection replication, String slot) throws SQLException {
    replication.unwrap(PGConnection.class).getReplicationAPI().dropReplicationSlot(slot);
  }
}
