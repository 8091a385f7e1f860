package io.lakestream.catalog;

import java.util.List;
import java.util.Map;
import org.apache.iceberg.IcebergBuild;
import software.amazon.awssdk.core.util.VersionInfo;

/**
 * The jars a catalog type needs that lakestream does not ship, and which of them are missing. Each
 * is found by a class it holds, loaded without initializing it; what {@code docs/catalogs.md} says
 * about each catalog matches this table.
 */
final class CatalogJars {
  /** A jar a catalog needs: a class it holds, and how to name it to the user. */
  private record Jar(String probeClass, String name) {}

  private static final String ICEBERG = IcebergBuild.version();
  private static final String AWS_SDK = VersionInfo.SDK_VERSION;

  private static final Map<String, List<Jar>> BY_TYPE =
      Map.of(
          "hive",
          List.of(
              iceberg("iceberg-hive-metastore", "org.apache.iceberg.hive.HiveCatalog"),
              new Jar(
                  "org.apache.hadoop.hive.metastore.HiveMetaStoreClient",
                  "the Hive Metastore client (org.apache.hive:hive-metastore and its"
                      + " dependencies)")),
          "glue",
          // iceberg-aws and the AWS SDK's core and S3 modules are shipped (for s3:// warehouses)
          List.of(awsSdk("glue", "software.amazon.awssdk.services.glue.GlueClient")),
          "nessie",
          List.of(
              iceberg("iceberg-nessie", "org.apache.iceberg.nessie.NessieCatalog"),
              new Jar(
                  "org.projectnessie.client.api.NessieApiV1",
                  "the Nessie client (org.projectnessie.nessie:nessie-client and its"
                      + " dependencies)")));

  private CatalogJars() {}

  private static Jar iceberg(String artifact, String probeClass) {
    return new Jar(
        probeClass,
        artifact + "-" + ICEBERG + ".jar (org.apache.iceberg:" + artifact + ":" + ICEBERG + ")");
  }

  private static Jar awsSdk(String artifact, String probeClass) {
    return new Jar(
        probeClass,
        artifact
            + "-"
            + AWS_SDK
            + ".jar (software.amazon.awssdk:"
            + artifact
            + ":"
            + AWS_SDK
            + ", the AWS SDK version in lib/)");
  }

  /**
   * What is missing for a catalog type, said as what to do; null when nothing is (or the type needs
   * no optional jar).
   */
  static String missing(String type) {
    List<String> missing =
        BY_TYPE.getOrDefault(type, List.of()).stream()
            .filter(jar -> !present(jar.probeClass()))
            .map(Jar::name)
            .toList();
    if (missing.isEmpty()) {
      return null;
    }
    return "the "
        + type
        + " catalog needs jars that lakestream does not ship: add "
        + String.join(" and ", missing)
        + " to lib/ext/ (docs/catalogs.md says more)";
  }

  private static boolean present(String className) {
    try {
      Class.forName(className, false, CatalogJars.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }
}
