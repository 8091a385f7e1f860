package io.lakestream.compaction;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.iceberg.Table;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TableLeaseTest {
  @TempDir Path dir;

  @Test
  void ownersRacingForOneTableNeverHoldItTogether() throws Exception {
    int owners = 4;
    int rounds = 25;
    try (TestTable t = new TestTable(dir)) {
      AtomicInteger holding = new AtomicInteger();
      AtomicInteger mostAtOnce = new AtomicInteger();
      AtomicInteger[] acquired = new AtomicInteger[owners];
      ExecutorService pool = Executors.newFixedThreadPool(owners + 1);
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < owners; i++) {
        AtomicInteger mine = acquired[i] = new AtomicInteger();
        // each owner loads the table on its own, as another process would
        Table table = t.load();
        TableLease lease = new TableLease("owner-" + i, Duration.ofMinutes(1), Clock.systemUTC());
        done.add(
            pool.submit(
                () -> {
                  for (int r = 0; r < rounds; r++) {
                    if (lease.acquire(table)) {
                      mostAtOnce.accumulateAndGet(holding.incrementAndGet(), Math::max);
                      mine.incrementAndGet();
                      Thread.sleep(3); // the work done while holding it
                      holding.decrementAndGet();
                      assertThat(lease.release(table, Map.of())).isTrue();
                    }
                  }
                  return null;
                }));
      }
      // a writer keeps committing meanwhile: lease commits must survive its changes
      Table writer = t.load();
      done.add(
          pool.submit(
              () -> {
                for (int i = 0; i < 20; i++) {
                  writer.newAppend().appendFile(t.dataFile(i * 10, i * 10 + 10, 0)).commit();
                }
                return null;
              }));
      for (Future<?> f : done) {
        f.get();
      }
      pool.shutdown();

      assertThat(mostAtOnce.get()).isEqualTo(1);
      assertThat(List.of(acquired).stream().mapToInt(AtomicInteger::get).sum()).isPositive();
      assertThat(TestTable.ids(t.table)).hasSize(200);
      assertThat(TableLease.holder(t.load())).isEmpty();
    }
  }

  @Test
  void aLeaseKeepsOthersOutUntilItExpiresAndItsHolderThenLearnsItIsLost() throws Exception {
    try (TestTable t = new TestTable(dir)) {
      MutableClock clock = new MutableClock();
      TableLease first = new TableLease("first", Duration.ofMinutes(10), clock);
      TableLease second = new TableLease("second", Duration.ofMinutes(10), clock);
      Table a = t.load();
      Table b = t.load();

      assertThat(first.acquire(a)).isTrue();
      clock.advance(Duration.ofMinutes(9));
      assertThat(second.acquire(b)).as("held, not expired").isFalse();
      assertThat(first.renew(a)).isTrue();
      clock.advance(Duration.ofMinutes(9));
      assertThat(second.acquire(b)).as("renewed").isFalse();
      clock.advance(Duration.ofMinutes(2));
      assertThat(second.acquire(b)).as("expired").isTrue();
      assertThat(first.renew(a)).as("taken over").isFalse();
      assertThat(first.release(a, Map.of("x", "y"))).isFalse();
      assertThat(TableLease.holder(t.load()).orElseThrow().owner()).isEqualTo("second");
      assertThat(second.release(b, Map.of("x", "y"))).isTrue();
      Table after = t.load();
      assertThat(TableLease.holder(after)).isEmpty();
      assertThat(after.properties()).containsEntry("x", "y");
    }
  }

  private static final class MutableClock extends Clock {
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
