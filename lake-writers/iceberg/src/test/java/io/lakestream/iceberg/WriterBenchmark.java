package io.lakestream.iceberg;

import io.lakestream.core.record.Row;
import io.lakestream.core.sink.Committable;
import io.lakestream.core.sink.Sink;
import io.lakestream.core.sink.SinkWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Measures the writer's hot path: rows of the 7-column {@link Orders} schema written into Parquet
 * data files (prepareCommit included, table commit excluded). Not a unit test; run it with
 *
 * <pre>
 * java -cp target/classes:target/test-classes:$(cat cp.txt) io.lakestream.iceberg.WriterBenchmark [rows] [rounds]
 * </pre>
 */
public final class WriterBenchmark {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private WriterBenchmark() {}

  public static void main(String[] args) throws Exception {
    int rowsPerRound = args.length > 0 ? Integer.parseInt(args[0]) : 2_000_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    List<Row> pool = Orders.rows(Orders.generate(42, 0, 100_000));
    run("unpartitioned", Map.of(), pool, rowsPerRound, rounds);
    run(
        "day(event_time), bucket(16, user_id)",
        Map.of("partition-by", List.of("day(event_time)", "bucket(16, user_id)")),
        pool,
        rowsPerRound,
        rounds);
  }

  private static void run(
      String name, Map<String, Object> options, List<Row> pool, int rowsPerRound, int rounds)
      throws Exception {
    Path dir = Files.createTempDirectory("lakestream-bench");
    try (Sink sink = TestTables.open(dir, Orders.SCHEMA, options)) {
      for (int round = 1; round <= rounds; round++) {
        long start = System.nanoTime();
        long cpuStart = THREADS.getCurrentThreadCpuTime();
        long records = 0;
        try (SinkWriter writer = sink.createWriter(0)) {
          int size = pool.size();
          for (int i = 0; i < rowsPerRound; i++) {
            writer.write(pool.get(i % size));
          }
          for (Committable c : writer.prepareCommit(round)) {
            records += c.records();
          }
        }
        long nanos = System.nanoTime() - start;
        long cpu = THREADS.getCurrentThreadCpuTime() - cpuStart;
        System.out.printf(
            "%-40s round %d: %,d rows in %,d ms = %.3f us/row (writer thread CPU %.3f us/row)%n",
            name,
            round,
            records,
            nanos / 1_000_000,
            nanos / 1000.0 / records,
            cpu / 1000.0 / records);
      }
    }
  }
}
