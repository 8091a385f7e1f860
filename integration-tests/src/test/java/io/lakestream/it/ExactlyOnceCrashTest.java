package io.lakestream.it;

import io.lakestream.cli.embedded.EmbeddedKafkaBroker;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exactly-once proof ({@link CrashRuns}): a pipeline in a child JVM is killed with SIGKILL at
 * each phase boundary of the commit protocol and at random moments, restarted each time, and
 * finally run to the end of its input. Every event must then be in the output table exactly once,
 * every malformed record in the dead-letter table exactly once, and no checkpoint committed twice
 * to either table.
 */
@ExtendWith(KafkaBroker.class)
class ExactlyOnceCrashTest {
  private static final int RECORDS = 200_000;
  private static final int PARTITIONS = 4;
  private static final int BAD_EVERY = 10_000;

  /** Where each run is killed: at a phase boundary (pausing there first), or at a random time. */
  private static final List<String> KILLS =
      List.of("PREPARED", "PERSISTED", "COMMITTED", "random", "random", "PERSISTED:3", "random");

  @TempDir Path dir;

  @Test
  void everyRecordLandsExactlyOnceAcrossKills(EmbeddedKafkaBroker broker) throws Exception {
    crashAndVerify(broker, "crash-keep-state", false);
  }

  @Test
  void everyRecordLandsExactlyOnceWhenEveryRestartHasAnEmptyCheckpointDirectory(
      EmbeddedKafkaBroker broker) throws Exception {
    crashAndVerify(broker, "crash-wipe-state", true);
  }

  private void crashAndVerify(EmbeddedKafkaBroker broker, String topic, boolean wipeState)
      throws Exception {
    broker.createTopic(topic, PARTITIONS);
    TestPipeline p =
        TestPipeline.of(dir, broker.bootstrapServers(), topic).withPolicy("dead-letter");
    new CrashRuns(RECORDS, BAD_EVERY, KILLS, wipeState).runAndVerify(broker, p);
  }
}
