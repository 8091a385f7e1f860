package io.lakestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code trino-catalog}: the properties Trino's Iceberg connector needs for each catalog kind, with
 * secrets as {@code ${ENV:...}}. That Trino reads tables with them is proven in integration-tests
 * (TrinoQueryTest).
 */
class TrinoCatalogCommandTest {
  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = Lakestream.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  private Path spec(String catalogLines) throws Exception {
    Path spec = dir.resolve("p.yaml");
    Files.writeString(
        spec,
        String.join(
            "\n",
            "pipeline: orders-p",
            "source: {kafka: {bootstrap-servers: \"localhost:9092\", topics: [orders]}}",
            "schema: {fields: [{name: id, type: long, required: true}]}",
            "sink:",
            "  iceberg:",
            catalogLines,
            "    table: shop.orders",
            "checkpoint: {dir: state}",
            ""));
    return spec;
  }

  /** The {@code key=value} lines, in order. */
  private String properties() {
    return String.join(
        "\n", out.toString().lines().filter(l -> !l.startsWith("#") && !l.isBlank()).toList());
  }

  @Test
  void aSqliteCatalogGetsTheDriverAndAbsolutePathsSoTrinoCanRunAnywhere() throws Exception {
    Path warehouse = dir.resolve("wh");
    Path spec =
        spec(
            "    catalog: {type: jdbc, name: Lake, uri: \"jdbc:sqlite:"
                + warehouse
                + "/catalog.db\", warehouse: \""
                + warehouse
                + "\"}");

    assertThat(run("trino-catalog", "--spec", spec.toString())).as(err.toString()).isZero();

    assertThat(properties())
        .isEqualTo(
            String.join(
                "\n",
                "connector.name=iceberg",
                "iceberg.catalog.type=jdbc",
                "iceberg.jdbc-catalog.catalog-name=Lake",
                "iceberg.jdbc-catalog.driver-class=org.sqlite.JDBC",
                "iceberg.jdbc-catalog.connection-url=jdbc:sqlite:" + warehouse + "/catalog.db",
                "iceberg.jdbc-catalog.default-warehouse-dir=file://" + warehouse,
                "fs.native-local.enabled=true",
                "local.location=/"));
    assertThat(out.toString())
        .contains("etc/catalog/lake.properties, then query lake.shop.orders.")
        .contains("copy sqlite-jdbc-<version>.jar");
  }

  @Test
  void theDefaultCatalogIsTheWarehouseSqliteFileResolvedAgainstTheWorkingDirectory()
      throws Exception {
    Path spec = spec("    catalog: {type: jdbc}");

    assertThat(run("trino-catalog", "--spec", spec.toString())).as(err.toString()).isZero();

    Path warehouse = Path.of("warehouse").toAbsolutePath();
    assertThat(properties())
        .contains("iceberg.jdbc-catalog.catalog-name=lakestream")
        .contains("iceberg.jdbc-catalog.connection-url=jdbc:sqlite:" + warehouse + "/catalog.db")
        .contains("iceberg.jdbc-catalog.default-warehouse-dir=file://" + warehouse);
  }

  @Test
  void aPostgresPasswordIsAnEnvironmentReferenceUnlessAskedForInClear() throws Exception {
    Path spec =
        spec(
            "    catalog: {type: jdbc, uri: \"jdbc:postgresql://db:5432/lake\", jdbc.user: ice,"
                + " jdbc.password: s3cr3t, warehouse: \"s3://bucket/wh\"}");

    assertThat(run("trino-catalog", "--spec", spec.toString())).as(err.toString()).isZero();
    assertThat(out.toString()).doesNotContain("s3cr3t");
    assertThat(properties())
        .isEqualTo(
            String.join(
                "\n",
                "connector.name=iceberg",
                "iceberg.catalog.type=jdbc",
                "iceberg.jdbc-catalog.catalog-name=lakestream",
                "iceberg.jdbc-catalog.driver-class=org.postgresql.Driver",
                "iceberg.jdbc-catalog.connection-url=jdbc:postgresql://db:5432/lake",
                "iceberg.jdbc-catalog.connection-user=ice",
                "iceberg.jdbc-catalog.connection-password=${ENV:LAKESTREAM_CATALOG_PASSWORD}",
                "iceberg.jdbc-catalog.default-warehouse-dir=s3://bucket/wh",
                "fs.native-s3.enabled=true"));
    assertThat(out.toString())
        .contains("# Trino reads the database password from LAKESTREAM_CATALOG_PASSWORD")
        .contains("The warehouse is on S3: add s3.region");

    out.getBuffer().setLength(0);
    assertThat(run("trino-catalog", "--spec", spec.toString(), "--secret-env", "PG_PW")).isZero();
    assertThat(properties()).contains("connection-password=${ENV:PG_PW}");

    out.getBuffer().setLength(0);
    assertThat(run("trino-catalog", "--spec", spec.toString(), "--show-secrets")).isZero();
    assertThat(properties()).contains("iceberg.jdbc-catalog.connection-password=s3cr3t");
  }

  @Test
  void aPasswordInTheUrlIsMaskedWithANoteToFillItIn() throws Exception {
    Path spec = spec("    catalog: {type: jdbc, uri: \"jdbc:postgresql://db/lake?password=pw1\"}");

    assertThat(run("trino-catalog", "--spec", spec.toString())).as(err.toString()).isZero();

    assertThat(out.toString()).doesNotContain("pw1").contains("fill it in, or use --show-secrets");
    assertThat(properties())
        .contains("iceberg.jdbc-catalog.connection-url=jdbc:postgresql://db/lake?password=******");
  }

  @Test
  void aRestCatalogGetsItsUriWarehouseAndTokenAsAReference() throws Exception {
    Path spec =
        spec(
            "    catalog: {type: rest, uri: \"https://cat.example/api\", warehouse: \"s3://b/w\","
                + " token: tk1}");

    assertThat(run("trino-catalog", "--spec", spec.toString())).as(err.toString()).isZero();

    assertThat(out.toString()).doesNotContain("tk1");
    assertThat(properties())
        .isEqualTo(
            String.join(
                "\n",
                "connector.name=iceberg",
                "iceberg.catalog.type=rest",
                "iceberg.rest-catalog.uri=https://cat.example/api",
                "iceberg.rest-catalog.warehouse=s3://b/w",
                "iceberg.rest-catalog.security=OAUTH2",
                "iceberg.rest-catalog.oauth2.token=${ENV:LAKESTREAM_CATALOG_PASSWORD}",
                "fs.native-s3.enabled=true"));
  }

  @Test
  void outputIntoADirectoryWritesNameDotProperties() throws Exception {
    Path spec = spec("    catalog: {type: jdbc}");
    Path catalogDir = Files.createDirectories(dir.resolve("etc/catalog"));

    assertThat(
            run(
                "trino-catalog",
                "--spec",
                spec.toString(),
                "--name",
                "lake_1",
                "--output",
                catalogDir.toString()))
        .as(err.toString())
        .isZero();

    Path file = catalogDir.resolve("lake_1.properties");
    assertThat(out.toString().strip()).isEqualTo("Wrote Trino catalog lake_1 to " + file);
    assertThat(Files.readString(file))
        .startsWith("# Trino catalog \"lake_1\" for the tables of lakestream pipeline orders-p")
        .contains("connector.name=iceberg\n");
  }

  @Test
  void aHudiSinkGetsTheHudiConnectorOnTheFileMetastoreItsSyncKeeps() throws Exception {
    Path spec = dir.resolve("hudi.yaml");
    Files.writeString(
        spec,
        String.join(
            "\n",
            "pipeline: orders-h",
            "source: {kafka: {bootstrap-servers: \"localhost:9092\", topics: [orders]}}",
            "schema: {fields: [{name: id, type: long, required: true}]}",
            "sink:",
            "  hudi:",
            "    path: " + dir.resolve("hudi/orders"),
            "    table: shop.orders",
            "    sync: {type: trino-file-metastore, dir: " + dir.resolve("meta") + "}",
            "checkpoint: {dir: state}",
            ""));

    assertThat(run("trino-catalog", "--spec", spec.toString())).as(err.toString()).isZero();

    assertThat(properties())
        .isEqualTo(
            String.join(
                "\n",
                "connector.name=hudi",
                "hive.metastore=file",
                "hive.metastore.catalog.dir=file://" + dir.resolve("meta"),
                "hive.metastore.version-compatibility=UNSAFE_ASSUME_COMPATIBILITY",
                "fs.native-local.enabled=true",
                "local.location=/"));
    assertThat(out.toString())
        .contains("etc/catalog/hudi.properties, then query hudi.shop.orders.")
        .contains("merge-on-read tables read-optimized");

    err.getBuffer().setLength(0);
    Files.writeString(spec, Files.readString(spec).replaceAll("    sync: .*\n", ""));
    assertThat(run("trino-catalog", "--spec", spec.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("sink.hudi.sync: is needed for Trino");
  }

  @Test
  void unsharableCatalogsBadNamesAndUnwritableFilesAreRefusedInWords() throws Exception {
    Path hadoop = spec("    catalog: {type: hadoop, warehouse: /tmp/wh}");
    assertThat(run("trino-catalog", "--spec", hadoop.toString())).isEqualTo(2);
    assertThat(err.toString())
        .contains("sink.iceberg.catalog.type: trino-catalog supports the jdbc and rest catalogs");

    err.getBuffer().setLength(0);
    Path mysql = spec("    catalog: {type: jdbc, uri: \"jdbc:mysql://db/lake\"}");
    assertThat(run("trino-catalog", "--spec", mysql.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("knows the drivers of SQLite and PostgreSQL catalogs only");

    err.getBuffer().setLength(0);
    assertThat(run("trino-catalog", "--spec", mysql.toString(), "--name", "Bad-Name")).isEqualTo(2);
    assertThat(err.toString()).contains("--name must be lower-case letters");

    err.getBuffer().setLength(0);
    Path nowhere = dir.resolve("no/such/dir/lake.properties");
    Path sqlite = spec("    catalog: {type: jdbc}");
    assertThat(run("trino-catalog", "--spec", sqlite.toString(), "--output", nowhere.toString()))
        .isEqualTo(1);
    assertThat(err.toString())
        .startsWith("error: Cannot write the Trino catalog to " + nowhere)
        .doesNotContain("\tat ");
  }
}
