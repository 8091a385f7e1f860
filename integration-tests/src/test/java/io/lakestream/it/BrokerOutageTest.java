package io.lakestream.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lakestream.cli.embedded.ChildBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.apache.iceberg.data.Record;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The broker of a running pipeline is SIGKILLed and comes back 20 s (and 90 s: longer than the
 * Kafka clients' 60 s request timeouts) later on the same port and data: the pipeline rides the
 * outage out without a restart, says so once in its own words (and on the status line meanwhile),
 * and its table holds every event exactly once.
 */
class BrokerOutageTest {
  @TempDir Path dir;

  @ParameterizedTest(name = "outage of {0} s")
  @ValueSource(ints = {20, 90})
  void aKilledBrokerIsToldOnceAndEveryEventLandsOnce(int outageSeconds) throws Exception {
    Duration outage = Duration.ofSeconds(outageSeconds);
    Path brokerDir = dir.resolve("broker");
    ChildBroker broker = ChildBroker.start(brokerDir, 0);
    String servers = broker.bootstrapServers();
    int port = Integer.parseInt(servers.substring(servers.lastIndexOf(':') + 1));
    String topic = "outage-" + outageSeconds;
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers))) {
      admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
    }
    TestEvents.produce(servers, topic, 0, 20_000, 0);
    TestPipeline p = TestPipeline.of(dir, servers, topic);

    try (PipelineProcess run =
        PipelineProcess.start(
            dir.resolve("logs"),
            List.of(),
            "run",
            p.writeSpec().toString(),
            "--status-interval",
            "2s")) {
      await()
          .atMost(Duration.ofMinutes(2))
          .until(() -> run.stderr().contains("Committed checkpoint 1 of pipeline"));

      new ProcessBuilder("kill", "-KILL", Long.toString(broker.pid())).start().waitFor();
      long killedAt = System.nanoTime();
      String waiting = "waiting for Kafka " + servers + " for ";
      await()
          .atMost(outage.plusSeconds(30))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () ->
                  System.nanoTime() - killedAt >= outage.toNanos()
                      && run.stderr().contains(waiting));
      broker.close();
      broker = ChildBroker.start(brokerDir, port);
      TestEvents.produce(servers, topic, 20_000, 20_000, 0);
      await()
          .atMost(Duration.ofMinutes(2))
          .until(() -> run.stderr().contains("Kafka at " + servers + " answers again after "));
      await()
          .atMost(Duration.ofMinutes(2))
          .until(() -> LakeTables.rows(p, TestPipeline.TABLE).size() >= 40_000);

      run.terminate();
      assertThat(run.waitFor(Duration.ofMinutes(2))).as(run.tail()).isZero();
      String stderr = run.stderr();
      assertThat(stderr.lines().filter(l -> l.contains("Kafka at " + servers + " does not answer")))
          .hasSize(1);
      assertThat(stderr.lines().filter(l -> l.contains("answers again after"))).hasSize(1);
      assertThat(stderr).doesNotContain("NetworkClient").doesNotContain("error:");
    } finally {
      broker.close();
    }

    List<Record> rows = LakeTables.rows(p, TestPipeline.TABLE);
    assertThat(rows.stream().map(r -> (Long) r.getField("event_id")).sorted().toList())
        .isEqualTo(LongStream.range(0, 40_000).boxed().toList());
  }
}
