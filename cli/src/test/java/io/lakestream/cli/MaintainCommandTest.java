package io.lakestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestream.catalog.Catalogs;
import io.lakestream.catalog.CommitMetadata;
import io.lakestream.core.spec.WriterId;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class MaintainCommandTest {
  private static final int COMMITS = 4;

  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private String warehouse;

  /** A table with four checkpoint commits of one pipeline. */
  @BeforeEach
  void createTable() throws Exception {
    warehouse = dir.resolve("warehouse").toString();
    Files.createDirectories(Path.of(warehouse));
    Catalog catalog =
        Catalogs.load(
            Map.of(
                "type",
                "jdbc",
                "warehouse",
                warehouse,
                "uri",
                "jdbc:sqlite:" + Path.of(warehouse, "catalog.db")));
    try {
      ((SupportsNamespaces) catalog).createNamespace(Namespace.of("shop"));
      Table table =
          catalog.createTable(
              TableIdentifier.of("shop", "users"),
              new Schema(List.of(Types.NestedField.required(1, "id", Types.LongType.get()))),
              PartitionSpec.unpartitioned());
      for (int checkpoint = 1; checkpoint <= COMMITS; checkpoint++) {
        AppendFiles append = table.newAppend();
        CommitMetadata.toCommitEntries(
                WriterId.of("users-sync"), checkpoint, Map.of("users:0", 10L * checkpoint))
            .forEach(append::set);
        append.commit();
      }
    } finally {
      ((AutoCloseable) catalog).close();
    }
  }

  private int run(String... args) {
    CommandLine cli = Lakestream.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void expiresSnapshotsAndPrintsTheResultAsJson() throws Exception {
    int code =
        run(
            "maintain",
            "--warehouse",
            warehouse,
            "shop.users",
            "--action",
            "expire-snapshots",
            "--older-than",
            "0s",
            "--json");

    assertThat(code).as(err.toString()).isZero();
    JsonNode result = new ObjectMapper().readTree(out.toString()).get("results").get(0);
    assertThat(result.get("action").asText()).isEqualTo("expire-snapshots");
    assertThat(result.get("table").asText()).isEqualTo("lakestream.shop.users");
    assertThat(result.get("counts").get("snapshots-expired").asLong()).isEqualTo(COMMITS - 1);

    out.getBuffer().setLength(0);
    assertThat(run("describe", "--warehouse", warehouse, "shop.users", "--json")).isZero();
    JsonNode writer = new ObjectMapper().readTree(out.toString()).get("writers").get(0);
    assertThat(writer.get("checkpoint").asLong()).isEqualTo(COMMITS);
  }

  @Test
  void aDryRunPrintsOneLinePerActionAndChangesNothing() {
    int code =
        run("maintain", "--warehouse", warehouse, "shop.users", "--older-than", "0s", "--dry-run");

    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString().lines())
        .hasSize(5)
        .anySatisfy(
            l ->
                assertThat(l)
                    .startsWith(
                        "expire-snapshots lakestream.shop.users (dry run): snapshots-expired=3"));
    out.getBuffer().setLength(0);
    run(
        "maintain",
        "--warehouse",
        warehouse,
        "shop.users",
        "--action",
        "expire-snapshots",
        "--older-than",
        "0s",
        "--dry-run");
    assertThat(out.toString()).contains("snapshots-expired=3");
  }

  @Test
  void rejectsAnUnknownAction() {
    int code = run("maintain", "--warehouse", warehouse, "shop.users", "--action", "vacuum");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString())
        .contains(
            "'vacuum' is not an action on Iceberg tables; use [rewrite-data-files, rewrite-position-deletes,"
                + " rewrite-manifests, expire-snapshots, remove-orphan-files]");
  }

  @Test
  void refusesToClusterAHudiTableSayingWhy() {
    int code =
        run(
            "maintain",
            "--catalog",
            "type=hudi",
            "--catalog",
            "path=" + warehouse,
            "shop.users",
            "--action",
            "compact,cluster");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString())
        .contains("--action cluster: clustering Hudi tables is not supported")
        .contains("lock provider");
  }
}
