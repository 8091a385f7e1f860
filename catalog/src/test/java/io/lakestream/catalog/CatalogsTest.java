package io.lakestream.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.core.error.PipelineException;
import io.lakestream.core.spec.Problems;
import io.lakestream.core.spec.SpecException;
import io.lakestream.core.spec.SpecProblem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.iceberg.IcebergBuild;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CatalogsTest {
  @TempDir Path dir;

  @Test
  void defaultCatalogIsJdbcOnSqliteInsideTheWarehouse() {
    Map<String, String> props = Catalogs.icebergProperties(null, dir);

    Path warehouse = dir.resolve("warehouse").toAbsolutePath();
    assertThat(props)
        .containsEntry("type", "jdbc")
        .containsEntry("warehouse", warehouse.toUri().toString().replaceAll("/$", ""))
        .containsEntry("uri", "jdbc:sqlite:" + warehouse.resolve("catalog.db"))
        .containsEntry("jdbc.schema-version", "V1")
        .hasSize(4);
    assertThat(props.get("warehouse")).startsWith("file:/");
  }

  @Test
  void loadsTheDefaultCatalogAndCreatesTheWarehouseDirectory() throws Exception {
    Catalog catalog = Catalogs.load(null, dir);
    try {
      assertThat(catalog).isInstanceOf(JdbcCatalog.class);
      assertThat(catalog.name()).isEqualTo("lakestream");
      assertThat(dir.resolve("warehouse")).isDirectory();

      ((SupportsNamespaces) catalog).createNamespace(Namespace.of("analytics"));
      Table table =
          catalog.createTable(
              TableIdentifier.of("analytics", "t"),
              new Schema(Types.NestedField.required(1, "id", Types.LongType.get())));

      assertThat(table.location())
          .startsWith(dir.resolve("warehouse").toUri().toString().replaceAll("/$", ""));
      assertThat(dir.resolve("warehouse/catalog.db")).isRegularFile();
    } finally {
      ((AutoCloseable) catalog).close();
    }
  }

  @Test
  void resolvesARelativeWarehouseAgainstTheWorkingDirectoryAndKeepsUris() {
    assertThat(Catalogs.resolveWarehouse("lake/wh", dir))
        .isEqualTo(dir.resolve("lake/wh").toAbsolutePath().toUri().toString());
    assertThat(Catalogs.resolveWarehouse("s3://bucket/wh/", dir)).isEqualTo("s3://bucket/wh");
    assertThat(Catalogs.resolveWarehouse("file:///data/wh", dir)).isEqualTo("file:///data/wh");
  }

  @Test
  void passesEveryOtherKeyThroughAsAnIcebergProperty() {
    Map<String, Object> section = new LinkedHashMap<>();
    section.put("type", "rest");
    section.put("name", "prod");
    section.put("uri", "http://127.0.0.1:8181");
    section.put("warehouse", "s3://bucket/wh");
    section.put("io-impl", "org.apache.iceberg.aws.s3.S3FileIO");
    section.put("client.pool-size", 4);

    Map<String, String> props = Catalogs.icebergProperties(section, dir);

    assertThat(props)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "type", "rest",
                "uri", "http://127.0.0.1:8181",
                "warehouse", "s3://bucket/wh",
                "io-impl", "org.apache.iceberg.aws.s3.S3FileIO",
                "client.pool-size", "4"));
    assertThat(Catalogs.catalogName(section)).isEqualTo("prod");
  }

  @Test
  void restCatalogPassesItsWarehouseToTheServerAsGiven() {
    Map<String, String> props =
        Catalogs.icebergProperties(
            Map.of("type", "rest", "uri", "http://127.0.0.1:8181", "warehouse", "analytics"), dir);

    assertThat(props).containsEntry("warehouse", "analytics");
  }

  @Test
  void jdbcCatalogOnAnS3WarehouseReadsAndWritesThroughS3FileIoUnlessTold() {
    Map<String, String> defaulted =
        Catalogs.icebergProperties(
            Map.of("uri", "jdbc:postgresql://db/iceberg", "warehouse", "s3://bucket/wh"), dir);
    Map<String, String> given =
        Catalogs.icebergProperties(
            Map.of(
                "uri",
                "jdbc:postgresql://db/iceberg",
                "warehouse",
                "s3a://bucket/wh",
                "io-impl",
                "com.example.MyFileIO"),
            dir);
    Map<String, String> local = Catalogs.icebergProperties(Map.of("warehouse", "/data/wh"), dir);

    assertThat(defaulted).containsEntry("io-impl", "org.apache.iceberg.aws.s3.S3FileIO");
    assertThat(given).containsEntry("io-impl", "com.example.MyFileIO");
    assertThat(local).doesNotContainKey("io-impl");
  }

  @Test
  void jdbcCatalogKeepsAGivenUriAndSchemaVersion() {
    Map<String, String> props =
        Catalogs.icebergProperties(
            Map.of(
                "type",
                "jdbc",
                "uri",
                "jdbc:postgresql://db/iceberg",
                "warehouse",
                "/data/wh",
                "jdbc.schema-version",
                "V0"),
            dir);

    assertThat(props)
        .containsEntry("uri", "jdbc:postgresql://db/iceberg")
        .containsEntry("warehouse", "file:///data/wh")
        .containsEntry("jdbc.schema-version", "V0");
  }

  @Test
  void reportsEveryProblemWithItsPath() {
    Map<String, Object> section = new LinkedHashMap<>();
    section.put("type", "mysql");
    section.put("catalog-impl", "com.example.MyCatalog");
    section.put("s3.endpoint", Map.of("a", 1));

    Problems problems = new Problems();
    Catalogs.validate(section, "sink.iceberg.catalog", problems);

    assertThat(problems.list())
        .containsExactly(
            new SpecProblem(
                "sink.iceberg.catalog.s3.endpoint",
                "must be a single value, not a list or mapping (a mapping)"),
            new SpecProblem(
                "sink.iceberg.catalog.type",
                "unknown catalog type \"mysql\" (known: jdbc, rest, hive, nessie, glue, hadoop)"),
            new SpecProblem(
                "sink.iceberg.catalog.catalog-impl",
                "cannot be combined with type \"mysql\"; give one of them"));
  }

  @Test
  void requiresWhatEachCatalogTypeNeeds() {
    Problems problems = new Problems();
    Catalogs.validate(Map.of("type", "rest"), "catalog", problems);
    Catalogs.validate(Map.of("type", "hadoop"), "catalog", problems);
    Catalogs.validate(Map.of("type", "jdbc", "uri", "sqlite:x.db"), "catalog", problems);
    Catalogs.validate(Map.of("warehouse", "s3://bucket/wh"), "catalog", problems);

    assertThat(problems.list())
        .extracting(SpecProblem::toString)
        .containsExactly(
            "catalog.uri: is required for catalog type rest",
            "catalog.warehouse: is required for catalog type hadoop",
            "catalog.uri: must be a JDBC URL starting with \"jdbc:\" (given \"sqlite:x.db\")",
            "catalog.uri: is required for a jdbc catalog whose warehouse is not a local path"
                + " (warehouse \"s3://bucket/wh\")");
  }

  @Test
  void acceptsTheDefaultAndEveryKnownType() {
    Problems problems = new Problems();
    Catalogs.validate(null, "catalog", problems);
    Catalogs.validate(Map.of(), "catalog", problems);
    Catalogs.validate(Map.of("type", "rest", "uri", "http://h:8181"), "catalog", problems);
    Catalogs.validate(Map.of("type", "hadoop", "warehouse", "wh"), "catalog", problems);

    assertThat(problems.list()).isEmpty();
  }

  @Test
  void namesTheJarsToAddForACatalogWhoseJarsAreAbsent() {
    String v = IcebergBuild.version();
    String sdk = software.amazon.awssdk.core.util.VersionInfo.SDK_VERSION;
    Problems problems = new Problems();
    Catalogs.validate(Map.of("type", "hive", "uri", "thrift://h:9083"), "c", problems);
    Catalogs.validate(Map.of("type", "glue", "warehouse", "s3://b/w"), "c", problems);
    Catalogs.validate(Map.of("type", "nessie", "uri", "http://h:19120/api/v2"), "c", problems);

    assertThat(problems.list())
        .map(SpecProblem::toString)
        .containsExactly(
            "c.type: the hive catalog needs jars that lakestream does not ship: add"
                + " iceberg-hive-metastore-"
                + v
                + ".jar (org.apache.iceberg:iceberg-hive-metastore:"
                + v
                + ") and the Hive Metastore client (org.apache.hive:hive-metastore and its"
                + " dependencies) to lib/ext/ (docs/catalogs.md says more)",
            "c.type: the glue catalog needs jars that lakestream does not ship: add glue-"
                + sdk
                + ".jar (software.amazon.awssdk:glue:"
                + sdk
                + ", the AWS SDK version in lib/) to lib/ext/ (docs/catalogs.md says more)",
            "c.type: the nessie catalog needs jars that lakestream does not ship: add"
                + " iceberg-nessie-"
                + v
                + ".jar (org.apache.iceberg:iceberg-nessie:"
                + v
                + ") and the Nessie client (org.projectnessie.nessie:nessie-client and its"
                + " dependencies) to lib/ext/ (docs/catalogs.md says more)");
  }

  @Test
  void loadRefusesAnInvalidSection() {
    assertThatThrownBy(() -> Catalogs.load(Map.of("type", "mysql"), dir))
        .isInstanceOf(SpecException.class)
        .hasMessageContaining("catalog.type: unknown catalog type \"mysql\"");
  }

  @Test
  void loadRefusesACatalogWhoseJarsAreAbsentBeforeTryingIt() {
    assertThatThrownBy(
            () ->
                Catalogs.load(
                    Map.of("type", "hive", "uri", "thrift://127.0.0.1:1", "warehouse", "wh"), dir))
        .isInstanceOf(SpecException.class)
        .hasMessageContaining("catalog.type: the hive catalog needs jars")
        .hasMessageContaining("to lib/ext/");
  }

  @Test
  void loadSaysWhyTheCatalogDatabaseCannotBeOpened() throws Exception {
    Path notAFile = Files.createDirectories(dir.resolve("catalog.db"));

    assertThatThrownBy(
            () -> Catalogs.load(Map.of("uri", "jdbc:sqlite:" + notAFile, "warehouse", "wh"), dir))
        .isInstanceOf(PipelineException.class)
        .hasMessageStartingWith("Cannot load Iceberg catalog \"lakestream\" of type jdbc")
        .hasMessageContaining("[SQLITE_CANTOPEN]");
  }

  @Test
  void masksSecretsForPrinting() {
    Map<String, String> props = new LinkedHashMap<>();
    props.put("jdbc.password", "hunter2");
    props.put("token", "abc");
    props.put("s3.secret-access-key", "k");
    props.put("uri", "jdbc:postgresql://db/x?user=me&password=hunter2&ssl=true");
    props.put("jdbc.user", "me");

    assertThat(Catalogs.masked(props))
        .containsExactly(
            Map.entry("jdbc.password", "******"),
            Map.entry("token", "******"),
            Map.entry("s3.secret-access-key", "******"),
            Map.entry("uri", "jdbc:postgresql://db/x?user=me&password=******&ssl=true"),
            Map.entry("jdbc.user", "me"));
  }

  @Test
  void createsTheDirectoryOfAGivenSqliteFile() throws Exception {
    Path db = dir.resolve("nested/cat/catalog.db");
    Catalog catalog =
        Catalogs.load(
            Map.of("type", "jdbc", "uri", "jdbc:sqlite:" + db, "warehouse", dir.toString()), dir);
    ((AutoCloseable) catalog).close();

    assertThat(Files.isDirectory(db.getParent())).isTrue();
  }
}
