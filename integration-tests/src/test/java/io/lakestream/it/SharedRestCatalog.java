package io.lakestream.it;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One Iceberg REST catalog server for the whole test run ({@link RestCatalogServer}), started on
 * first use and stopped when JUnit closes its root store; injected into test methods and
 * constructors that take a {@link RestCatalogServer}.
 */
final class SharedRestCatalog implements ParameterResolver {
  private static Running instance;

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == RestCatalogServer.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    try {
      return get(context);
    } catch (Exception e) {
      throw new IllegalStateException(
          "Cannot start the test Iceberg REST catalog server: " + e.getMessage(), e);
    }
  }

  private static synchronized RestCatalogServer get(ExtensionContext context) throws Exception {
    if (instance == null) {
      instance = new Running(RestCatalogServer.start());
      context
          .getRoot()
          .getStore(ExtensionContext.Namespace.GLOBAL)
          .put(SharedRestCatalog.class, instance);
    }
    return instance.server;
  }

  private record Running(RestCatalogServer server)
      implements ExtensionContext.Store.CloseableResource {
    @Override
    public void close() {
      synchronized (SharedRestCatalog.class) {
        server.close();
        instance = null;
      }
    }
  }
}
