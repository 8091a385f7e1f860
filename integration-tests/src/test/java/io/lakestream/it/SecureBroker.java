package io.lakestream.it;

import static org.awaitility.Awaitility.await;

import io.lakestream.cli.embedded.EmbeddedKafkaBroker;
import io.lakestream.cli.embedded.SecureListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;

/**
 * A Kafka broker of its own (not the run's shared one) whose client listener requires SASL_SSL: TLS
 * with a certificate for 127.0.0.1 from a key store made here with the JDK's {@code keytool}, and
 * SCRAM-SHA-512 authentication of the user {@link #USER}, created through the broker's PLAINTEXT
 * listener, which the test uses to create topics and produce. Closing it stops the broker.
 */
final class SecureBroker implements AutoCloseable {
  static final String USER = "lakestream-reader";
  static final String MECHANISM = "SCRAM-SHA-512";

  private final EmbeddedKafkaBroker broker;
  private final Path trustStore;
  private final String storePassword;

  private SecureBroker(EmbeddedKafkaBroker broker, Path trustStore, String storePassword) {
    this.broker = broker;
    this.trustStore = trustStore;
    this.storePassword = storePassword;
  }

  /**
   * Makes the key and trust stores in {@code dir}, starts the broker with its data there, creates
   * {@link #USER} with {@code userPassword} and returns once that user can talk to the secure
   * listener.
   */
  static SecureBroker start(Path dir, String storePassword, String userPassword)
      throws IOException, InterruptedException {
    Path keyStore = dir.resolve("broker.p12");
    Path certificate = dir.resolve("broker.crt");
    Path trustStore = dir.resolve("truststore.p12");
    Files.createDirectories(dir);
    keytool(
        "-genkeypair",
        "-alias",
        "broker",
        "-keyalg",
        "RSA",
        "-keysize",
        "2048",
        "-validity",
        "2",
        "-dname",
        "CN=127.0.0.1",
        "-ext",
        "SAN=ip:127.0.0.1",
        "-keystore",
        keyStore.toString(),
        "-storetype",
        "PKCS12",
        "-storepass",
        storePassword);
    keytool(
        "-exportcert",
        "-rfc",
        "-alias",
        "broker",
        "-keystore",
        keyStore.toString(),
        "-storetype",
        "PKCS12",
        "-storepass",
        storePassword,
        "-file",
        certificate.toString());
    keytool(
        "-importcert",
        "-noprompt",
        "-alias",
        "broker",
        "-file",
        certificate.toString(),
        "-keystore",
        trustStore.toString(),
        "-storetype",
        "PKCS12",
        "-storepass",
        storePassword);

    SecureListener listener =
        new SecureListener(
            "SECURE",
            "SASL_SSL",
            Map.of(
                "ssl.keystore.location",
                keyStore.toString(),
                "ssl.keystore.type",
                "PKCS12",
                "ssl.keystore.password",
                storePassword,
                "ssl.key.password",
                storePassword,
                "sasl.enabled.mechanisms",
                MECHANISM,
                MECHANISM.toLowerCase(Locale.ROOT) + ".sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required;"));
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"), listener);
    SecureBroker secure = new SecureBroker(broker, trustStore, storePassword);
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
      admin
          .alterUserScramCredentials(
              List.of(
                  new UserScramCredentialUpsertion(
                      USER,
                      new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096),
                      userPassword)))
          .all()
          .get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      broker.close();
      throw new IllegalStateException("Cannot create the SCRAM user " + USER, e);
    }
    // the credential reaches the listener through the broker's metadata, a moment later
    try (Admin client = Admin.create(secure.clientProperties(userPassword))) {
      await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .until(() -> !client.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty());
    } catch (RuntimeException e) {
      broker.close();
      throw e;
    }
    return secure;
  }

  /** The broker: its PLAINTEXT {@code bootstrapServers()} for the test's own clients. */
  EmbeddedKafkaBroker broker() {
    return broker;
  }

  /** The address of the listener that requires SASL_SSL. */
  String secureBootstrapServers() {
    return broker.secureBootstrapServers();
  }

  /** The trust store holding the broker's certificate, PKCS12. */
  Path trustStore() {
    return trustStore;
  }

  /** What a Kafka client of the secure listener sets to connect as {@link #USER}. */
  Map<String, Object> clientProperties(String password) {
    Map<String, Object> props = new HashMap<>();
    props.put("bootstrap.servers", secureBootstrapServers());
    props.put("security.protocol", "SASL_SSL");
    props.put("sasl.mechanism", MECHANISM);
    props.put(
        "sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
            + USER
            + "\" password=\""
            + password
            + "\";");
    props.put("ssl.truststore.location", trustStore.toString());
    props.put("ssl.truststore.type", "PKCS12");
    props.put("ssl.truststore.password", storePassword);
    return props;
  }

  @Override
  public void close() {
    broker.close();
  }

  private static void keytool(String... args) throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      throw new IOException("keytool " + args[0] + " failed: " + output);
    }
  }
}
