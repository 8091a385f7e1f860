package io.lakestream.it;

import java.io.IOException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Injects the run's PostgreSQL server into test methods and constructors: one {@link
 * PostgresServer} for the whole test run, started on first use and stopped when JUnit closes its
 * root store (or, failing that, by the server's shutdown hook). Tests isolate themselves with
 * {@link PostgresServer#createDatabase} and their own replication slot names.
 */
final class Postgres implements ParameterResolver {
  private static Shared instance;

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == PostgresServer.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    try {
      return get(context);
    } catch (IOException e) {
      throw new IllegalStateException("Cannot start the test PostgreSQL server", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while starting the test PostgreSQL server", e);
    }
  }

  private static synchronized PostgresServer get(ExtensionContext context)
      throws IOException, InterruptedException {
    if (instance == null) {
      instance = new Shared(PostgresServer.start());
      context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL).put(Postgres.class, instance);
    }
    return instance.server;
  }

  private record Shared(PostgresServer server) implements ExtensionContext.Store.CloseableResource {
    @Override
    public void close() {
      synchronized (Postgres.class) {
        server.close();
        instance = null;
      }
    }
  }
}
