package io.lakestream.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL logical replication into an Iceberg upsert table, against a real server: an initial
 * snapshot of existing rows, then a randomized workload of inserts, updates and deletes (the same
 * key changed many times in one transaction, rows inserted and deleted in one transaction, large
 * TOASTed values left unchanged by updates). Afterwards the lake table, read with Iceberg's own
 * reader, must equal {@code SELECT * FROM} the source table row for row — on a clean run and on a
 * run killed with SIGKILL again and again, also between the table commit and the slot's
 * acknowledgement; after those kills, Trino (with the catalog file {@code lakestream trino-catalog}
 * writes) must answer the same rows.
 */
@ExtendWith({Postgres.class, SharedTrino.class})
class PostgresCdcTest {
  private static final String TABLE = "lake.orders";
  static final String COLUMNS = "id, customer, amount, qty, note, updated_at, flag, data";

  @TempDir Path dir;

  @Test
  void snapshotThenChangesEqualTheSourceTable(PostgresServer pg) throws Exception {
    String db = "cdc_clean";
    pg.createDatabase(db);
    long seed = System.nanoTime();
    try (Connection c = pg.connect(db)) {
      Workload w = new Workload(c, seed);
      w.createAndFill(400);
      Path spec = writeSpec(pg, db, "slot_clean");

      runBounded(spec, "first");
      assertTableEqualsSource(c, seed);

      w.changes(20);
      w.addRegion(); // the second run's stream changes shape half way
      w.changes(20);
      runBounded(spec, "second");
      assertTableEqualsSource(c, seed);
    }
  }

  @Test
  void killedRunsLoseNothingAndApplyNothingTwice(PostgresServer pg, TrinoServer trino)
      throws Exception {
    String db = "cdc_crash";
    pg.createDatabase(db);
    long seed = System.nanoTime();
    try (Connection c = pg.connect(db)) {
      Workload w = new Workload(c, seed);
      w.createAndFill(300);
      Path spec = writeSpec(pg, db, "slot_crash");
      // where each run dies: right after a table commit, before the slot is acknowledged; after
      // persisting; and at random moments
      List<String> kills = List.of("COMMITTED", "random", "PERSISTED", "COMMITTED:3", "random");
      int run = 0;
      for (String kill : kills) {
        if (run == 2) {
          w.addRegion(); // a column added while runs are killed around it
        }
        w.changes(12);
        List<String> props =
            kill.equals("random") ? List.of() : List.of("lakestream.debug.pause-at=" + kill);
        try (PipelineProcess p =
            PipelineProcess.start(dir.resolve("logs-" + run++), props, "run", spec.toString())) {
          if (kill.equals("random")) {
            Thread.sleep(1_500 + (seed & 0x7ff));
          } else {
            try {
              p.awaitOutput("PAUSED " + kill.replace(":3", ""), Duration.ofSeconds(60));
            } catch (org.awaitility.core.ConditionTimeoutException e) {
              throw new AssertionError(
                  "run " + run + " never paused at " + kill + ":\n" + p.tail(), e);
            }
          }
          w.changes(8); // changes while the pipeline runs or hangs at the phase
          p.kill();
        }
      }
      w.changes(10);
      runBounded(spec, "final");
      assertTableEqualsSource(c, seed);

      String catalog = "it_cdc_crash";
      trino.createCatalogFor(spec, catalog, dir);
      boolean region = hasRegion(c);
      List<List<Object>> trinoRows = new ArrayList<>();
      for (Map<String, Object> r :
          TrinoRows.query(
              trino,
              "SELECT "
                  + (region ? "region" : "NULL AS region")
                  + ", "
                  + COLUMNS
                  + " FROM "
                  + catalog
                  + "."
                  + TABLE)) {
        List<Object> row = new ArrayList<>(r.values());
        row.set(
            row.size() - 1,
            r.get("data") == null ? null : List.of(toObjects((byte[]) r.get("data"))));
        trinoRows.add(row);
      }
      assertSameRows(sourceRows(c, region), trinoRows, "Trino's " + catalog + "." + TABLE, seed);
    }
  }

  /**
   * A column added and a type widened while the pipeline streams: the lake table gains the column
   * and the wider type in the commit of the first rows that have them; older rows read the new
   * column as null.
   */
  @Test
  void followsAColumnAddedAndATypeWidenedMidStream(PostgresServer pg) throws Exception {
    String db = "cdc_evolve";
    pg.createDatabase(db);
    try (Connection c = pg.connect(db);
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE items (id bigint PRIMARY KEY, label text, qty integer)");
      s.execute("INSERT INTO items SELECT g, 'item-' || g, g FROM generate_series(1, 100) g");
      Path warehouse = dir.resolve("warehouse").toAbsolutePath();
      Path spec = writeSpec(pg, db, "slot_evolve", "public.items", "lake.items");

      try (PipelineProcess p =
          PipelineProcess.start(dir.resolve("logs-evolve"), List.of(), "run", spec.toString())) {
        org.awaitility.Awaitility.await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> committed(warehouse, "lake.items"));
        s.execute("UPDATE items SET qty = qty + 1 WHERE id <= 10");
        s.execute("ALTER TABLE items ADD COLUMN region text");
        s.execute("UPDATE items SET region = 'eu', qty = qty * 2 WHERE id % 3 = 0");
        s.execute("INSERT INTO items VALUES (101, 'item-101', 5, 'us')");
        s.execute("ALTER TABLE items ALTER COLUMN qty TYPE bigint");
        s.execute("INSERT INTO items VALUES (102, 'item-102', 5000000000, 'apac')");
        s.execute("DELETE FROM items WHERE id = 50");
        org.awaitility.Awaitility.await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () ->
                    LakeTables.load(warehouse, "lake.items").schema().findField("region") != null);
        p.terminate();
        assertThat(p.waitFor(Duration.ofMinutes(1))).as(p.tail()).isZero();
      }
      runBounded(spec, "evolve-final");

      Map<Long, List<Object>> expected = new TreeMap<>();
      try (ResultSet rs = s.executeQuery("SELECT id, label, qty, region FROM items")) {
        while (rs.next()) {
          expected.put(
              rs.getLong(1),
              Arrays.asList(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getString(4)));
        }
      }
      Map<Long, List<Object>> actual = new TreeMap<>();
      org.apache.iceberg.Table table = LakeTables.load(warehouse, "lake.items");
      for (Record r : LakeTables.rows(table)) {
        Object qty = r.getField("qty");
        actual.put(
            (Long) r.getField("id"),
            Arrays.asList(
                r.getField("id"),
                r.getField("label"),
                qty == null ? null : ((Number) qty).longValue(),
                r.getField("region")));
      }
      assertThat(actual).isEqualTo(expected);
      assertThat(table.schema().findType("qty"))
          .isEqualTo(org.apache.iceberg.types.Types.LongType.get());
      assertThat(table.schema().findField("region")).isNotNull();
    }
  }

  /** With {@code snapshot: never} only the changes made after the slot was created arrive. */
  @Test
  void withoutASnapshotOnlyLaterChangesArrive(PostgresServer pg) throws Exception {
    String db = "cdc_never";
    pg.createDatabase(db);
    try (Connection c = pg.connect(db);
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE items (id bigint PRIMARY KEY, label text)");
      s.execute("INSERT INTO items SELECT g, 'old-' || g FROM generate_series(1, 30) g");
      Path warehouse = dir.resolve("warehouse").toAbsolutePath();
      Path spec = writeSpec(pg, db, "slot_never", "public.items", "lake.items", "snapshot: never");

      runBounded(spec, "never-1"); // creates the slot; the 30 rows before it are not copied
      s.execute("INSERT INTO items VALUES (31, 'new-31'), (32, 'new-32')");
      s.execute("UPDATE items SET label = 'changed' WHERE id IN (5, 31)");
      runBounded(spec, "never-2");

      // an update of a row the lake never saw inserts it: the upsert has the whole row
      assertThat(labels(warehouse, "lake.items"))
          .isEqualTo(Map.of(5L, "changed", 31L, "changed", 32L, "new-32"));
    }
  }

  /**
   * Several source tables: each becomes {@code namespace.<its name>}, and two shards routed to one
   * name are merged into one lake table.
   */
  @Test
  void routesTablesAndMergesShards(PostgresServer pg) throws Exception {
    String db = "cdc_routes";
    pg.createDatabase(db);
    try (Connection c = pg.connect(db);
        Statement s = c.createStatement()) {
      for (String t : List.of("orders_eu", "orders_us", "customers")) {
        s.execute("CREATE TABLE " + t + " (id bigint PRIMARY KEY, label text)");
      }
      s.execute("INSERT INTO orders_eu SELECT g, 'eu-' || g FROM generate_series(1, 50) g");
      s.execute("INSERT INTO orders_us SELECT g, 'us-' || g FROM generate_series(51, 90) g");
      s.execute("INSERT INTO customers SELECT g, 'c-' || g FROM generate_series(1, 20) g");
      Path warehouse = dir.resolve("warehouse").toAbsolutePath();
      Path spec =
          writeSpec(
              pg,
              db,
              "slot_routes",
              "public.orders_eu, public.orders_us, public.customers",
              "lake.*",
              "routes: {public.orders_eu: orders, public.orders_us: orders}");

      runBounded(spec, "routes-1");
      s.execute("UPDATE orders_eu SET label = 'eu-changed' WHERE id % 7 = 0");
      s.execute("DELETE FROM orders_us WHERE id % 5 = 0");
      s.execute("INSERT INTO customers VALUES (21, 'c-21')");
      runBounded(spec, "routes-2");

      assertThat(labels(warehouse, "lake.orders"))
          .isEqualTo(
              sourceLabels(
                  c, "SELECT id, label FROM orders_eu UNION ALL SELECT id, label FROM orders_us"));
      assertThat(labels(warehouse, "lake.customers"))
          .isEqualTo(sourceLabels(c, "SELECT id, label FROM customers"));
    }
  }

  private static boolean committed(Path warehouse, String table) {
    try {
      return LakeTables.load(warehouse, table).currentSnapshot() != null;
    } catch (RuntimeException e) {
      return false; // not created yet
    }
  }

  private static Map<Long, String> labels(Path warehouse, String table) {
    Map<Long, String> result = new TreeMap<>();
    for (Record r : LakeTables.rows(LakeTables.load(warehouse, table))) {
      assertThat(result.put((Long) r.getField("id"), (String) r.getField("label")))
          .as("%s has two rows with id %s", table, r.getField("id"))
          .isNull();
    }
    return result;
  }

  static Map<Long, String> sourceLabels(Connection c, String sql) throws Exception {
    Map<Long, String> result = new TreeMap<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        result.put(rs.getLong(1), rs.getString(2));
      }
    }
    return result;
  }

  private void runBounded(Path spec, String name) throws Exception {
    try (PipelineProcess p =
        PipelineProcess.start(
            dir.resolve("logs-" + name), List.of(), "run", spec.toString(), "--stop-at-end")) {
      assertThat(p.waitFor(Duration.ofMinutes(3))).as(p.tail()).isZero();
    }
  }

  private Path writeSpec(PostgresServer pg, String db, String slot) throws Exception {
    return writeSpec(pg, db, slot, "public.orders", TABLE);
  }

  /**
   * Writes the spec of pipeline {@code cdc-<db>} reading {@code tables} (a YAML list's items) of
   * {@code db} through {@code slot} into {@code table}; {@code sourceLines} go into the postgres
   * section.
   */
  private Path writeSpec(
      PostgresServer pg, String db, String slot, String tables, String table, String... sourceLines)
      throws Exception {
    Path warehouse = dir.resolve("warehouse").toAbsolutePath();
    List<String> lines =
        new ArrayList<>(
            List.of(
                "pipeline: cdc-" + db,
                "source:",
                "  postgres:",
                "    url: \"" + pg.jdbcUrl(db) + "\"",
                "    user: " + pg.user(),
                "    password: \"" + pg.password() + "\"",
                "    tables: [" + tables + "]",
                "    slot: " + slot));
    for (String line : sourceLines) {
      lines.add("    " + line);
    }
    lines.addAll(
        List.of(
            "sink:",
            "  iceberg:",
            "    catalog: {type: jdbc, uri: \"jdbc:sqlite:"
                + warehouse.resolve("catalog.db")
                + "\", warehouse: \""
                + warehouse
                + "\"}",
            "    table: \"" + table + "\"",
            "checkpoint: {interval: 500ms, dir: \"" + dir.resolve("state").toAbsolutePath() + "\"}",
            ""));
    Files.createDirectories(dir);
    Path spec = dir.resolve(db + ".yaml");
    Files.writeString(spec, String.join("\n", lines));
    return spec;
  }

  private void assertTableEqualsSource(Connection c, long seed) throws Exception {
    boolean region = hasRegion(c);
    org.apache.iceberg.Table lake = LakeTables.load(dir.resolve("warehouse"), TABLE);
    boolean lakeRegion = lake.schema().findField("region") != null;
    assertThat(lakeRegion)
        .as("the lake table has the column added at the source")
        .isEqualTo(region);
    List<List<Object>> lakeRows = new ArrayList<>();
    for (Record r : LakeTables.rows(lake)) {
      Object at = r.getField("updated_at");
      ByteBuffer data = (ByteBuffer) r.getField("data");
      lakeRows.add(
          Arrays.asList(
              lakeRegion ? r.getField("region") : null,
              r.getField("id"),
              r.getField("customer"),
              r.getField("amount"),
              r.getField("qty"),
              r.getField("note"),
              at == null ? null : WindowAssertions.micros(at),
              r.getField("flag"),
              data == null ? null : List.of(toObjects(bytes(data)))));
    }
    assertSameRows(sourceRows(c, region), lakeRows, "lake table", seed);
  }

  /**
   * The source table's rows by id, each as {@code region} (null without that column), then {@link
   * #COLUMNS}, with {@code updated_at} in microseconds and {@code data} as a list of bytes.
   */
  static Map<Long, List<Object>> sourceRows(Connection c, boolean region) throws Exception {
    Map<Long, List<Object>> rows = new TreeMap<>();
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT " + COLUMNS + (region ? ", region" : "") + " FROM orders")) {
      while (rs.next()) {
        OffsetDateTime at = rs.getObject(6, OffsetDateTime.class);
        byte[] data = rs.getBytes(8);
        rows.put(
            rs.getLong(1),
            Arrays.asList(
                region ? rs.getString(9) : null,
                rs.getLong(1),
                rs.getString(2),
                rs.getBigDecimal(3),
                (Integer) rs.getObject(4),
                rs.getString(5),
                at == null ? null : WindowAssertions.micros(at),
                (Boolean) rs.getObject(7),
                data == null ? null : List.of(toObjects(data))));
      }
    }
    return rows;
  }

  /**
   * {@code rows} (shaped as {@link #sourceRows}, read from {@code what}) are the source's rows: one
   * per id, with the same values.
   */
  static void assertSameRows(
      Map<Long, List<Object>> expected, List<List<Object>> rows, String what, long seed) {
    Map<Long, List<Object>> actual = new TreeMap<>();
    List<Long> doubled = new ArrayList<>();
    for (List<Object> row : rows) {
      if (actual.put((Long) row.get(1), row) != null) {
        doubled.add((Long) row.get(1));
      }
    }
    assertThat(doubled).as("keys with two rows in the %s (seed %d)", what, seed).isEmpty();
    List<String> differences = new ArrayList<>();
    for (Long id : expected.keySet()) {
      if (!actual.containsKey(id)) {
        differences.add("missing " + id);
      } else if (!same(expected.get(id), actual.get(id))) {
        differences.add(id + ": source " + expected.get(id) + " vs " + actual.get(id));
      }
    }
    for (Long id : actual.keySet()) {
      if (!expected.containsKey(id)) {
        differences.add("extra " + id + " " + actual.get(id));
      }
    }
    assertThat(differences)
        .as(
            "%s vs source (seed %d; %d source rows, %d rows read)",
            what, seed, expected.size(), actual.size())
        .isEmpty();
  }

  static boolean hasRegion(Connection c) throws Exception {
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT 1 FROM information_schema.columns"
                    + " WHERE table_name = 'orders' AND column_name = 'region'")) {
      return rs.next();
    }
  }

  private static boolean same(List<Object> a, List<Object> b) {
    for (int i = 0; i < a.size(); i++) {
      Object x = a.get(i);
      Object y = b.get(i);
      boolean equal =
          x instanceof BigDecimal d && y instanceof BigDecimal e
              ? d.compareTo(e) == 0
              : Objects.equals(x, y);
      if (!equal) {
        return false;
      }
    }
    return true;
  }

  private static byte[] bytes(ByteBuffer buffer) {
    byte[] b = new byte[buffer.remaining()];
    buffer.duplicate().get(b);
    return b;
  }

  static Byte[] toObjects(byte[] bytes) {
    Byte[] result = new Byte[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      result[i] = bytes[i];
    }
    return result;
  }

  /** The source table and the randomized changes made to it. */
  static final class Workload {
    private final Connection c;
    private final java.util.SplittableRandom random;
    private long nextId = 1;
    private boolean region;

    /** Adds the column {@code region}; later inserts and updates set it. */
    void addRegion() throws Exception {
      try (Statement s = c.createStatement()) {
        s.execute("ALTER TABLE orders ADD COLUMN region text");
      }
      region = true;
    }

    Workload(Connection c, long seed) {
      this.c = c;
      this.random = new java.util.SplittableRandom(seed);
    }

    void createAndFill(int rows) throws Exception {
      try (Statement s = c.createStatement()) {
        s.execute(
            "CREATE TABLE orders (id bigint PRIMARY KEY, customer text NOT NULL,"
                + " amount numeric(10,2), qty integer, note text, updated_at timestamptz,"
                + " flag boolean, data bytea)");
      }
      c.setAutoCommit(false);
      for (int i = 0; i < rows; i++) {
        insert(nextId++);
      }
      c.commit();
      c.setAutoCommit(true);
    }

    /** {@code transactions} transactions of random inserts, updates and deletes. */
    void changes(int transactions) throws Exception {
      c.setAutoCommit(false);
      for (int t = 0; t < transactions; t++) {
        int ops = 1 + random.nextInt(20);
        for (int o = 0; o < ops; o++) {
          int kind = random.nextInt(10);
          long id = 1 + random.nextLong(nextId);
          if (kind < 3) {
            long fresh = nextId++;
            insert(fresh);
            if (random.nextInt(5) == 0) {
              update(fresh); // changed again in its own transaction
            }
            if (random.nextInt(6) == 0) {
              delete(fresh); // and gone before the transaction ends
            }
          } else if (kind < 9) {
            for (int again = random.nextInt(3); again >= 0; again--) {
              update(id); // the same key, several times in one transaction
            }
          } else {
            delete(id);
          }
        }
        c.commit();
      }
      c.setAutoCommit(true);
    }

    private void insert(long id) throws Exception {
      try (PreparedStatement s =
          c.prepareStatement(
              "INSERT INTO orders (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
        s.setLong(1, id);
        s.setString(2, "customer-" + random.nextInt(1000));
        s.setBigDecimal(3, random.nextInt(8) == 0 ? null : amount());
        s.setObject(4, random.nextInt(8) == 0 ? null : random.nextInt(-5, 500));
        s.setString(5, note());
        s.setObject(
            6,
            OffsetDateTime.parse("2025-01-01T00:00:00Z")
                .plusNanos(random.nextLong(1_000_000_000_000_000L) / 1000 * 1000));
        s.setObject(7, random.nextInt(5) == 0 ? null : random.nextBoolean());
        s.setBytes(8, random.nextInt(4) == 0 ? null : randomBytes(random.nextInt(64)));
        s.executeUpdate();
      }
      setRegion(id);
    }

    private void setRegion(long id) throws Exception {
      if (region && random.nextInt(3) > 0) {
        try (PreparedStatement s =
            c.prepareStatement("UPDATE orders SET region = ? WHERE id = ?")) {
          s.setString(1, "region-" + random.nextInt(5));
          s.setLong(2, id);
          s.executeUpdate();
        }
      }
    }

    /**
     * Changes some columns; the TOASTed {@code note} only sometimes, so it often stays unchanged.
     */
    private void update(long id) throws Exception {
      boolean touchNote = random.nextInt(4) == 0;
      try (PreparedStatement s =
          c.prepareStatement(
              "UPDATE orders SET amount = ?, qty = qty + 1, updated_at = now()"
                  + (touchNote ? ", note = ?" : "")
                  + " WHERE id = ?")) {
        s.setBigDecimal(1, amount());
        int at = 2;
        if (touchNote) {
          s.setString(at++, note());
        }
        s.setLong(at, id);
        s.executeUpdate();
      }
      setRegion(id);
    }

    private void delete(long id) throws Exception {
      try (PreparedStatement s = c.prepareStatement("DELETE FROM orders WHERE id = ?")) {
        s.setLong(1, id);
        s.executeUpdate();
      }
    }

    private BigDecimal amount() {
      return BigDecimal.valueOf(random.nextLong(-10_000, 10_000_000), 2);
    }

    /** Short text, or more than 2 kB of it so that PostgreSQL moves it to its TOAST table. */
    private String note() {
      if (random.nextInt(3) == 0) {
        StringBuilder b = new StringBuilder();
        while (b.length() < 6_000) {
          b.append(Long.toString(random.nextLong(), 36)).append(' ');
        }
        return b.toString();
      }
      return random.nextInt(5) == 0 ? null : "note " + random.nextInt(100_000);
    }

    private byte[] randomBytes(int n) {
      byte[] b = new byte[n];
      for (int i = 0; i < n; i++) {
        b[i] = (byte) random.nextInt(256);
      }
      return b;
    }
  }
}
