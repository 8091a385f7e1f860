package io.lakestream.it;

import java.time.Duration;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One real Trino server for the whole test run ({@link TrinoServer}), started on first use and
 * stopped when JUnit closes its root store; injected into test methods and constructors that take a
 * {@link TrinoServer}. Tests add catalogs of their own names, so they never see each other.
 */
final class SharedTrino implements ParameterResolver {
  /** Small: the tables of a test are tiny, and CI has 2 cores and little memory to spare. */
  static final String HEAP = "1G";

  private static Running instance;

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == TrinoServer.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    try {
      return get(context);
    } catch (Exception e) {
      throw new IllegalStateException("Cannot start the test Trino server: " + e.getMessage(), e);
    }
  }

  /** The run's server, started if this is the first call. */
  static synchronized TrinoServer get(ExtensionContext context) throws Exception {
    if (instance == null) {
      TrinoServer server = TrinoServer.start(HEAP);
      Duration startup = server.startup();
      System.out.printf(
          "Trino server started in %.1f s: %s%n", startup.toMillis() / 1000.0, server.jdbcUrl());
      instance = new Running(server);
      context
          .getRoot()
          .getStore(ExtensionContext.Namespace.GLOBAL)
          .put(SharedTrino.class, instance);
    }
    return instance.server;
  }

  private record Running(TrinoServer server) implements ExtensionContext.Store.CloseableResource {
    @Override
    public void close() {
      synchronized (SharedTrino.class) {
        server.close();
        instance = null;
      }
    }
  }
}
