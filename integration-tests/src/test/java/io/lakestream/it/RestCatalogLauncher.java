package io.lakestream.it;

import jakarta.servlet.Servlet;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.catalog.Catalog;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;

/**
 * The main class of {@link RestCatalogServer}'s child JVM, whose class path is Iceberg's REST
 * catalog fixture jar and this module's test classes: what the fixture's own main serves (Iceberg's
 * {@code RESTCatalogAdapter} and {@code RESTCatalogServlet} over a {@code JdbcCatalog} on SQLite),
 * bound to 127.0.0.1 instead of every interface, on a port the system picks.
 *
 * <p>Arguments: the warehouse URI and the SQLite database file. Once it serves, prints {@value
 * #LISTENING} and the port on a line of its own.
 */
final class RestCatalogLauncher {
  static final String LISTENING = "LISTENING ";

  private RestCatalogLauncher() {}

  public static void main(String[] args) throws Exception {
    Catalog backend =
        CatalogUtil.buildIcebergCatalog(
            "rest_backend",
            Map.of(
                CatalogProperties.CATALOG_IMPL,
                "org.apache.iceberg.jdbc.JdbcCatalog",
                CatalogProperties.WAREHOUSE_LOCATION,
                args[0],
                CatalogProperties.URI,
                "jdbc:sqlite:" + args[1],
                "jdbc.schema-version",
                "V1"),
            new Configuration());
    // test-fixture classes: in the fixture jar only, so looked up rather than compiled against
    Class<?> adapterClass = Class.forName("org.apache.iceberg.rest.RESTCatalogAdapter");
    Object adapter = adapterClass.getConstructor(Catalog.class).newInstance(backend);
    Servlet servlet =
        (Servlet)
            Class.forName("org.apache.iceberg.rest.RESTCatalogServlet")
                .getConstructor(adapterClass)
                .newInstance(adapter);

    ServletContextHandler context = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
    context.addServlet(new ServletHolder(servlet), "/*");
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    server.setHandler(context);
    server.start();
    System.out.println(LISTENING + connector.getLocalPort());
    server.join();
  }
}
