package io.lakestream.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lakestream.cli.embedded.EmbeddedKafkaBroker;
import io.lakestream.examples.trino.RunSql;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Everything in {@code trino-examples/} works: its three pipeline specs run (with the test's broker
 * and topics in place of their own), {@code lakestream trino-catalog} prints the catalog file the
 * folder shows, Trino loads it, every SQL file runs through the folder's {@code RunSql} and returns
 * the rows the test expects from what it produced, and {@code RunSql} runs from its source file as
 * the README shows.
 *
 * <p>The orders topic has one partition and events 2.5 s of event time apart from {@link #T0} (an
 * hour boundary): the first runs read events 0..239 (minutes 0..9) and three malformed records; the
 * second runs read three events of minute 0 (too late: the watermark is past minute 9), events
 * 240..299 and two exact redeliveries. The customers topic gets Debezium creates, then updates and
 * deletes of committed rows. The Hudi pipeline reads the orders topic once, after both rounds, and
 * Trino reads its table through the file metastore the sink keeps.
 */
@ExtendWith({KafkaBroker.class, SharedTrino.class})
class TrinoExamplesTest {
  private static final Path EXAMPLES = Path.of(System.getProperty("lakestream.it.trino.examples"));
  private static final long T0 = 1_764_000_000_000L;
  private static final long STEP_MILLIS = 2_500;
  private static final String[] CATEGORIES = {"books", "games", "garden", "music", "toys"};
  private static final DateTimeFormatter TRINO_TIMESTAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS 'UTC'").withZone(ZoneOffset.UTC);

  @TempDir Path dir;

  /** An order as the sample events have it. */
  private record Order(long id, long timeMillis) {
    String category() {
      return CATEGORIES[(int) (id % CATEGORIES.length)];
    }

    BigDecimal amount() {
      return TestEvents.amount(id);
    }

    byte[] json() {
      return ("{\"event_id\":"
              + id
              + ",\"user_id\":"
              + id % 7
              + ",\"item_id\":"
              + id * 3
              + ",\"amount\":"
              + amount().toPlainString()
              + ",\"category\":\""
              + category()
              + "\",\"event_time\":"
              + timeMillis
              + ",\"payload\":\"p"
              + id
              + "\"}")
          .getBytes(StandardCharsets.UTF_8);
    }
  }

  /** A customer row as the Debezium stream and the lake table have it. */
  private record Customer(long id, String name, BigDecimal balance, long updatedMicros) {
    String json() {
      return "{\"id\":"
          + id
          + ",\"name\":\""
          + name
          + "\",\"balance\":"
          + balance.toPlainString()
          + ",\"updated_at\":"
          + updatedMicros
          + "}";
    }
  }

  @Test
  void everyExampleRunsAndReturnsWhatThePipelinesWereGiven(
      EmbeddedKafkaBroker broker, TrinoServer trino) throws Exception {
    String servers = broker.bootstrapServers();
    broker.createTopic("trino-ex-orders", 1);
    broker.createTopic("trino-ex-customers", 1);
    for (String spec : List.of("orders", "orders-per-minute", "customers", "orders-hudi")) {
      copySpec(spec, servers);
    }

    // first runs: events 0..239 with three malformed records among them
    List<Order> orders = new ArrayList<>();
    List<byte[]> values = new ArrayList<>();
    List<Integer> badIndexes = new ArrayList<>();
    for (long id = 0; id < 240; id++) {
      Order o = new Order(id, T0 + id * STEP_MILLIS);
      orders.add(o);
      values.add(o.json());
      if (id % 80 == 50) {
        badIndexes.add(values.size());
        values.add(("{\"event_id\": " + id + ", \"amount\": ").getBytes(StandardCharsets.UTF_8));
      }
    }
    List<Long> offsets = TestEvents.produceValues(servers, "trino-ex-orders", 0, values);
    Map<Long, String> badByOffset = new TreeMap<>();
    badIndexes.forEach(
        i -> badByOffset.put(offsets.get(i), new String(values.get(i), StandardCharsets.UTF_8)));
    Map<Long, Customer> customers = new TreeMap<>();
    List<byte[]> changes = new ArrayList<>();
    for (long id = 1; id <= 20; id++) {
      Customer c = new Customer(id, "customer-" + id, BigDecimal.valueOf(id * 1050, 2), T0 * 1000);
      customers.put(id, c);
      changes.add(debezium("c", null, c));
    }
    TestEvents.produceValues(servers, "trino-ex-customers", 0, changes);
    for (String spec : List.of("orders", "orders-per-minute", "customers")) {
      runToEnd(spec);
    }
    long firstSnapshot =
        LakeTables.load(dir.resolve("trino-work/warehouse"), "shop.orders")
            .currentSnapshot()
            .snapshotId();
    List<Order> firstRun = List.copyOf(orders);

    // second runs: on-time events and redeliveries, then, once the window pipeline has fired a
    // window of them (so its watermark is past minute 10), events of minute 0: too late for it
    List<Order> second = new ArrayList<>();
    for (long id = 240; id < 300; id++) {
      second.add(new Order(id, T0 + id * STEP_MILLIS));
    }
    second.add(second.get(second.size() - 1));
    second.add(second.get(second.size() - 3));
    List<Order> late = new ArrayList<>();
    for (long id = 1000; id < 1003; id++) {
      late.add(new Order(id, T0 + 10_000 + id));
    }
    Map<Long, Long> lateOffsets = new TreeMap<>();
    try (PipelineProcess live =
        PipelineProcess.startIn(
            dir, dir.resolve("logs"), List.of(), "run", "pipelines/orders-per-minute.yaml")) {
      TestEvents.produceValues(
          servers, "trino-ex-orders", 0, second.stream().map(Order::json).toList());
      awaitRows(live, "shop.orders_per_minute", r -> windowStart(r) == T0 + 600_000);
      List<Long> lateAt =
          TestEvents.produceValues(
              servers, "trino-ex-orders", 0, late.stream().map(Order::json).toList());
      for (int i = 0; i < late.size(); i++) {
        lateOffsets.put(late.get(i).id(), lateAt.get(i));
      }
      awaitRows(live, "shop.orders_per_minute_late", r -> (Long) r.getField("event_id") == 1002L);
      live.terminate();
      assertThat(live.waitFor(Duration.ofMinutes(1))).as(live.tail()).isZero();
    }
    second.addAll(late);
    orders.addAll(second);
    changes.clear();
    for (long id = 1; id <= 5; id++) {
      Customer before = customers.get(id);
      Customer after =
          new Customer(
              id, before.name(), before.balance().add(new BigDecimal("100.00")), T0 * 1000 + id);
      customers.put(id, after);
      changes.add(debezium("u", before, after));
    }
    for (long id = 18; id <= 20; id++) {
      changes.add(debezium("d", customers.remove(id), null));
    }
    Customer added = new Customer(21, "customer-21", new BigDecimal("0.00"), T0 * 1000 + 21);
    customers.put(21L, added);
    changes.add(debezium("c", null, added));
    TestEvents.produceValues(servers, "trino-ex-customers", 0, changes);
    for (String spec : List.of("orders", "orders-per-minute", "customers", "orders-hudi")) {
      runToEnd(spec);
    }

    Path hudiCatalog = dir.resolve("hudi.properties");
    lakestream(
        "trino-catalog",
        "--spec",
        "pipelines/orders-hudi.yaml",
        "--output",
        hudiCatalog.toString());
    assertThat(Files.readString(hudiCatalog))
        .isEqualTo(
            Files.readString(EXAMPLES.resolve("catalog/hudi.properties"))
                .replace("/path/to/lakestream", dir.toAbsolutePath().toString()));
    trino.createCatalog("hudi", hudiCatalog);

    Path catalogFile = dir.resolve("lakestream.properties");
    lakestream(
        "trino-catalog", "--spec", "pipelines/orders.yaml", "--output", catalogFile.toString());
    assertThat(Files.readString(catalogFile))
        .isEqualTo(
            Files.readString(EXAMPLES.resolve("catalog/lakestream-sqlite.properties"))
                .replace("/path/to/lakestream", dir.toAbsolutePath().toString()));
    trino.createCatalog("lakestream", catalogFile);

    Map<String, Consumer<List<List<String>>>> expectations = new LinkedHashMap<>();
    expectations.put(
        "cdc-latest-state.sql",
        rows ->
            assertThat(rows)
                .isEqualTo(
                    table(
                        List.of("id", "name", "balance", "updated_at"),
                        customers.values().stream()
                            .map(
                                c ->
                                    List.of(
                                        Long.toString(c.id()),
                                        c.name(),
                                        c.balance().toPlainString(),
                                        timestamp(
                                            Instant.EPOCH.plus(
                                                c.updatedMicros(), ChronoUnit.MICROS))))
                            .toList())));
    expectations.put(
        "window-rollups.sql", rows -> assertThat(rows).isEqualTo(hourlyRollup(orders, late)));
    expectations.put(
        "time-travel.sql",
        rows ->
            assertThat(rows)
                .isEqualTo(
                    table(
                        List.of("orders", "revenue"),
                        List.of(List.of(Integer.toString(firstRun.size()), sum(firstRun))))));
    expectations.put(
        "snapshot-checkpoints.sql",
        rows -> {
          List<List<String>> snapshots = rows.subList(1, rows.size());
          assertThat(snapshots).allSatisfy(r -> assertThat(r.get(3)).isEqualTo("trino-orders"));
          List<Long> checkpoints = snapshots.stream().map(r -> Long.parseLong(r.get(4))).toList();
          assertThat(checkpoints).isSorted().doesNotHaveDuplicates();
          assertThat(snapshots.stream().mapToLong(r -> Long.parseLong(r.get(5))).sum())
              .isEqualTo(orders.size());
          long upToFirst = 0;
          for (List<String> r : snapshots) {
            upToFirst += Long.parseLong(r.get(5));
            if (Long.parseLong(r.get(0)) == firstSnapshot) {
              break;
            }
          }
          assertThat(upToFirst).isEqualTo(firstRun.size());
        });
    expectations.put(
        "file-health.sql",
        rows -> {
          assertThat(rows).hasSize(2);
          assertThat(rows.get(1).subList(0, 1)).containsExactly("data");
          assertThat(rows.get(1).get(2)).isEqualTo(Integer.toString(orders.size()));
        });
    expectations.put(
        "partition-health.sql",
        rows -> {
          Map<String, Long> perCategory = new TreeMap<>();
          orders.forEach(o -> perCategory.merge(o.category(), 1L, Long::sum));
          assertThat(rows.subList(1, rows.size()))
              .allSatisfy(r -> assertThat(r.get(0)).isEqualTo("2025-11-24"))
              .extracting(r -> List.of(r.get(1), r.get(2)))
              .isEqualTo(
                  perCategory.entrySet().stream()
                      .map(e -> List.of(e.getKey(), Long.toString(e.getValue())))
                      .toList());
        });
    expectations.put(
        "dead-letters.sql",
        rows -> {
          assertThat(rows.subList(1, rows.size()))
              .extracting(r -> List.of(r.get(0), r.get(1), r.get(2), r.get(3), r.get(5)))
              .isEqualTo(
                  badByOffset.entrySet().stream()
                      .map(
                          e ->
                              List.of(
                                  "trino-ex-orders",
                                  "0",
                                  Long.toString(e.getKey()),
                                  "decode",
                                  e.getValue()))
                      .toList());
          assertThat(rows.subList(1, rows.size()))
              .allSatisfy(r -> assertThat(r.get(4)).isNotBlank());
        });
    expectations.put(
        "late-records.sql",
        rows -> {
          assertThat(rows.subList(1, rows.size()))
              .extracting(r -> List.of(r.get(0), r.get(1), r.get(2), r.get(3), r.get(6)))
              .isEqualTo(
                  late.stream()
                      .map(
                          o ->
                              List.of(
                                  Long.toString(o.id()),
                                  o.category(),
                                  o.amount().toPlainString(),
                                  timestamp(Instant.ofEpochMilli(o.timeMillis())),
                                  Long.toString(lateOffsets.get(o.id()))))
                      .toList());
          assertThat(rows.subList(1, rows.size()))
              .allSatisfy(r -> assertThat(r.get(4)).isNotBlank());
        });

    expectations.put(
        "hudi-orders-per-category.sql",
        rows -> {
          Map<Long, Order> distinct = new TreeMap<>();
          orders.forEach(o -> distinct.putIfAbsent(o.id(), o)); // redeliveries replace themselves
          Map<String, List<Order>> byCategory = new TreeMap<>();
          distinct
              .values()
              .forEach(
                  o -> byCategory.computeIfAbsent(o.category(), k -> new ArrayList<>()).add(o));
          assertThat(rows)
              .isEqualTo(
                  table(
                      List.of("category", "orders", "revenue"),
                      byCategory.entrySet().stream()
                          .map(
                              e ->
                                  List.of(
                                      e.getKey(),
                                      Integer.toString(e.getValue().size()),
                                      sum(e.getValue())))
                          .toList()));
        });
    expectations.put(
        "hudi-timeline.sql",
        rows -> {
          assertThat(rows.subList(0, 2))
              .extracting(r -> r.subList(0, 2))
              .containsExactly(List.of("action", "state"), List.of("commit", "COMPLETED"));
          assertThat(rows).hasSize(2);
          assertThat(Long.parseLong(rows.get(1).get(2))).isPositive();
        });

    try (Stream<Path> files = Files.list(EXAMPLES.resolve("sql"))) {
      assertThat(files.map(f -> f.getFileName().toString()))
          .as("every SQL file of trino-examples has its expected result here")
          .containsExactlyInAnyOrderElementsOf(expectations.keySet());
    }
    Map<String, String> parameters = Map.of("SNAPSHOT_ID", Long.toString(firstSnapshot));
    try (Connection c = trino.connect()) {
      for (Map.Entry<String, Consumer<List<List<String>>>> e : expectations.entrySet()) {
        List<List<String>> rows =
            RunSql.query(c, RunSql.sql(EXAMPLES.resolve("sql").resolve(e.getKey()), parameters));
        try {
          e.getValue().accept(rows);
        } catch (AssertionError failure) {
          throw new AssertionError(e.getKey() + " returned " + rows + ": " + failure.getMessage());
        }
      }
    }

    String printed =
        runSqlFromSource(trino.jdbcUrl(), EXAMPLES.resolve("sql/time-travel.sql"), parameters);
    assertThat(printed.lines().toList())
        .startsWith("orders | revenue", "----------------")
        .contains(firstRun.size() + "    | " + sum(firstRun), "(1 row)");
  }

  /** Waits until {@code table} has a row that {@code found} accepts; fails if the process exits. */
  private void awaitRows(PipelineProcess p, String table, Predicate<Record> found) {
    await()
        .atMost(Duration.ofMinutes(2))
        .ignoreExceptions()
        .failFast("the pipeline exited:\n" + p.tail(), () -> !p.isAlive())
        .until(
            () ->
                LakeTables.rows(LakeTables.load(dir.resolve("trino-work/warehouse"), table))
                    .stream()
                    .anyMatch(found));
  }

  private static long windowStart(Record r) {
    return ((OffsetDateTime) r.getField("window_start")).toInstant().toEpochMilli();
  }

  /** The README's hourly roll-up, computed from every on-time order once. */
  private static List<List<String>> hourlyRollup(List<Order> orders, List<Order> late) {
    Map<Long, Order> firstOfEachId = new TreeMap<>();
    orders.stream()
        .filter(o -> !late.contains(o))
        .forEach(o -> firstOfEachId.putIfAbsent(o.id(), o));
    Map<String, List<Order>> byCategory = new TreeMap<>();
    firstOfEachId
        .values()
        .forEach(o -> byCategory.computeIfAbsent(o.category(), k -> new ArrayList<>()).add(o));
    List<List<String>> rows = new ArrayList<>();
    for (Map.Entry<String, List<Order>> e : byCategory.entrySet()) {
      long windows =
          e.getValue().stream().map(o -> (o.timeMillis() - T0) / 60_000).distinct().count();
      rows.add(
          List.of(
              timestamp(Instant.ofEpochMilli(T0)),
              e.getKey(),
              Long.toString(windows),
              Integer.toString(e.getValue().size()),
              sum(e.getValue())));
    }
    return table(List.of("hour", "category", "windows", "orders", "revenue"), rows);
  }

  private static String sum(List<Order> orders) {
    return orders.stream()
        .map(Order::amount)
        .reduce(BigDecimal.ZERO, BigDecimal::add)
        .toPlainString();
  }

  private static List<List<String>> table(List<String> header, List<List<String>> rows) {
    List<List<String>> table = new ArrayList<>();
    table.add(header);
    table.addAll(rows);
    return table;
  }

  private static String timestamp(Instant t) {
    return TRINO_TIMESTAMP.format(t);
  }

  private static byte[] debezium(String op, Customer before, Customer after) {
    return ("{\"op\":\""
            + op
            + "\",\"before\":"
            + (before == null ? "null" : before.json())
            + ",\"after\":"
            + (after == null ? "null" : after.json())
            + "}")
        .getBytes(StandardCharsets.UTF_8);
  }

  /** The folder's spec with the test's broker and topics in place of the ones it names. */
  private void copySpec(String name, String servers) throws Exception {
    String yaml = Files.readString(EXAMPLES.resolve("pipelines").resolve(name + ".yaml"));
    String replaced =
        yaml.replace("bootstrap-servers: embedded", "bootstrap-servers: \"" + servers + "\"")
            .replace("bootstrap-servers: localhost:9092", "bootstrap-servers: \"" + servers + "\"")
            .replace("topics: [orders]", "topics: [trino-ex-orders]")
            .replace("topics: [shop.public.customers]", "topics: [trino-ex-customers]");
    assertThat(replaced).contains(servers).contains("trino-ex-");
    Files.createDirectories(dir.resolve("pipelines"));
    Files.writeString(dir.resolve("pipelines").resolve(name + ".yaml"), replaced);
  }

  private void runToEnd(String spec) throws Exception {
    lakestream("run", "pipelines/" + spec + ".yaml", "--stop-at-end");
  }

  private void lakestream(String... args) throws Exception {
    try (PipelineProcess p = PipelineProcess.startIn(dir, dir.resolve("logs"), List.of(), args)) {
      assertThat(p.waitFor(Duration.ofMinutes(3))).as(Arrays.toString(args) + p.tail()).isZero();
    }
  }

  /**
   * {@code java -cp trino-jdbc.jar .../RunSql.java URL FILE NAME=VALUE...}, as the README has it.
   */
  private String runSqlFromSource(String url, Path sql, Map<String, String> parameters)
      throws Exception {
    String driver =
        Stream.of(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
            .filter(p -> Path.of(p).getFileName().toString().startsWith("trino-jdbc-"))
            .findFirst()
            .orElseThrow();
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                driver,
                EXAMPLES
                    .resolve("src/main/java/io/lakestream/examples/trino/RunSql.java")
                    .toString(),
                url,
                sql.toString()));
    parameters.forEach((k, v) -> command.add(k + "=" + v));
    Path out = dir.resolve("runsql.out");
    Process p =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    if (!p.waitFor(2, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("RunSql did not finish:\n" + Files.readString(out));
    }
    assertThat(p.exitValue()).as(Files.readString(out)).isZero();
    return Files.readString(out);
  }
}
