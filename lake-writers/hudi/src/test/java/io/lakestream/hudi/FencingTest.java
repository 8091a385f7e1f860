package io.lakestream.hudi;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.core.error.PipelineException;
import io.lakestream.core.spec.WriterId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Instances racing to claim fencing epochs in a table on local disk. */
class FencingTest {
  private static final int INSTANCES = 8;
  private static final int ROUNDS = 25;

  @TempDir Path dir;

  @Test
  void racingInstancesNeverClaimTheSameEpoch() throws Exception {
    FileSystem fs = fileSystem();
    CyclicBarrier start = new CyclicBarrier(INSTANCES);
    List<Long> claimed = Collections.synchronizedList(new ArrayList<>());
    ExecutorService pool = Executors.newFixedThreadPool(INSTANCES);
    try {
      List<Future<?>> instances = new ArrayList<>();
      for (int i = 0; i < INSTANCES; i++) {
        instances.add(
            pool.submit(
                () -> {
                  // each instance has its own Fencing, as each process would
                  Fencing fencing = new Fencing(fs, dir.toString(), WriterId.of("p1"), "t");
                  for (int round = 0; round < ROUNDS; round++) {
                    start.await(20, TimeUnit.SECONDS); // all instances claim at the same moment
                    try {
                      claimed.add(fencing.next());
                    } catch (PipelineException giveUp) {
                      // lost ten races in a row: claimed nothing, which is allowed
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : instances) {
        f.get(2, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(claimed).hasSizeGreaterThan(ROUNDS); // the race was run, not serialised away
    assertThat(new HashSet<>(claimed)).as("an epoch claimed twice").hasSameSizeAs(claimed);
    Long owner = new Fencing(fs, dir.toString(), WriterId.of("p1"), "t").current();
    assertThat(owner).isEqualTo(Collections.max(claimed));
  }

  @Test
  void theFirstClaimIsEpochOneAndEachLaterClaimIsHigher() {
    Fencing a = new Fencing(fileSystem(), dir.toString(), WriterId.of("p1"), "t");
    Fencing b = new Fencing(fileSystem(), dir.toString(), WriterId.of("p1"), "t");

    assertThat(a.current()).isNull();
    assertThat(a.next()).isEqualTo(1);
    assertThat(b.next()).isEqualTo(2);
    assertThat(a.next()).isEqualTo(3);
    assertThat(b.current()).isEqualTo(3);
  }

  private static FileSystem fileSystem() {
    try {
      return FileSystem.getLocal(HadoopStorage.conf(Map.of()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
