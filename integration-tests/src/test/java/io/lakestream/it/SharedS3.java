package io.lakestream.it;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One real S3-compatible server for the whole test run ({@link S3Server}), started on first use and
 * stopped when JUnit closes its root store; injected into test methods and constructors that take
 * an {@link S3Server}. Tests create buckets of their own names, so they never see each other.
 */
final class SharedS3 implements ParameterResolver {
  private static Running instance;

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == S3Server.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    try {
      return get(context);
    } catch (Exception e) {
      throw new IllegalStateException("Cannot start the test S3 server: " + e.getMessage(), e);
    }
  }

  /** The run's server, started if this is the first call. */
  static synchronized S3Server get(ExtensionContext context) throws Exception {
    if (instance == null) {
      instance = new Running(S3Server.start());
      context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL).put(SharedS3.class, instance);
    }
    return instance.server;
  }

  private record Running(S3Server server) implements ExtensionContext.Store.CloseableResource {
    @Override
    public void close() {
      synchronized (SharedS3.class) {
        server.close();
        instance = null;
      }
    }
  }
}
