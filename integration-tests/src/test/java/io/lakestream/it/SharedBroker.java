package io.lakestream.it;

import io.lakestream.cli.embedded.EmbeddedKafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real KRaft broker for the whole test run, started in this JVM on first use and shut down when
 * JUnit closes its root store. Tests use their own topics, so they never see each other.
 */
final class SharedBroker implements ExtensionContext.Store.CloseableResource {
  private static SharedBroker instance;

  private final EmbeddedKafkaBroker broker;

  private SharedBroker(EmbeddedKafkaBroker broker) {
    this.broker = broker;
  }

  /** The run's broker, started if this is the first call. */
  static synchronized EmbeddedKafkaBroker get(ExtensionContext context) throws Exception {
    if (instance == null) {
      Path dir = Files.createTempDirectory("lakestream-it-kafka");
      instance = new SharedBroker(EmbeddedKafkaBroker.start(dir));
      context
          .getRoot()
          .getStore(ExtensionContext.Namespace.GLOBAL)
          .put(SharedBroker.class, instance);
    }
    return instance.broker;
  }

  @Override
  public void close() {
    synchronized (SharedBroker.class) {
      broker.close();
      instance = null;
    }
  }
}
