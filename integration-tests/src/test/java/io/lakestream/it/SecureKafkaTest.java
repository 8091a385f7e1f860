package io.lakestream.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pipeline reads a broker that requires SASL_SSL (SCRAM-SHA-512 over TLS, {@link SecureBroker})
 * with nothing but Kafka's own client settings under {@code source.kafka.properties}, its secrets
 * from the environment ({@code ${env:...}}); with a wrong password it stops with Kafka's
 * authentication error instead of waiting, and no secret appears in its output.
 */
class SecureKafkaTest {
  private static final int EVENTS = 3_000;
  private static final String STORE_PASSWORD = "store-" + UUID.randomUUID();
  private static final String PASSWORD = "scram-" + UUID.randomUUID();

  @TempDir static Path brokerDir;
  private static SecureBroker broker;

  @TempDir Path dir;

  @BeforeAll
  static void startBroker() throws Exception {
    broker = SecureBroker.start(brokerDir, STORE_PASSWORD, PASSWORD);
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void readsABrokerThatRequiresSaslSslWithTheSettingsInTheSpec() throws Exception {
    TestPipeline p = pipeline("secure-events");
    broker.broker().createTopic(p.topic(), 2);
    TestEvents.produce(broker.broker().bootstrapServers(), p.topic(), 0, EVENTS, 0);

    try (PipelineProcess run = runToEnd(p, PASSWORD)) {
      assertThat(run.waitFor(Duration.ofMinutes(3))).as(run.tail()).isZero();
      assertThat(run.stdout() + run.stderr()).doesNotContain(PASSWORD, STORE_PASSWORD);
    }

    assertThat(LakeTables.eventIds(p)).isEqualTo(LongStream.range(0, EVENTS).boxed().toList());
  }

  @Test
  void aWrongPasswordStopsThePipelineWithKafkasAuthenticationError() throws Exception {
    TestPipeline p = pipeline("secure-wrong-password");
    broker.broker().createTopic(p.topic(), 1);
    String wrong = "wrong-" + UUID.randomUUID();

    try (PipelineProcess run = runToEnd(p, wrong)) {
      assertThat(run.waitFor(Duration.ofMinutes(2))).as(run.tail()).isNotZero();
      assertThat(run.stderr())
          .as(run.tail())
          .contains(
              "error: Kafka at "
                  + broker.secureBootstrapServers()
                  + ": cannot list topics: Authentication failed during authentication due to"
                  + " invalid credentials with SASL mechanism "
                  + SecureBroker.MECHANISM);
      assertThat(run.stdout() + run.stderr()).doesNotContain(wrong, STORE_PASSWORD);
    }
  }

  private TestPipeline pipeline(String topic) {
    return TestPipeline.of(dir, broker.secureBootstrapServers(), topic);
  }

  /**
   * Runs {@code p} to the end of its input with Kafka's client settings for the secure listener.
   */
  private PipelineProcess runToEnd(TestPipeline p, String password) throws Exception {
    Path spec =
        p.writeSpec(
            "    start: earliest => "
                + String.join(
                    "\n",
                    "    properties:",
                    "      security.protocol: SASL_SSL",
                    "      sasl.mechanism: " + SecureBroker.MECHANISM,
                    "      sasl.jaas.config: 'org.apache.kafka.common.security.scram.ScramLoginModule"
                        + " required username=\""
                        + SecureBroker.USER
                        + "\" password=\"${env:KAFKA_PASSWORD}\";'",
                    "      ssl.truststore.location: \"" + broker.trustStore() + "\"",
                    "      ssl.truststore.type: PKCS12",
                    "      ssl.truststore.password: \"${env:KAFKA_TRUSTSTORE_PASSWORD}\""));
    return PipelineProcess.startWithEnvironment(
        p.dir().resolve("logs"),
        Map.of("KAFKA_PASSWORD", password, "KAFKA_TRUSTSTORE_PASSWORD", STORE_PASSWORD),
        "run",
        spec.toString(),
        "--stop-at-end");
  }
}
