package io.lakestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestream.catalog.Catalogs;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ScheduleCommandTest {
  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = Lakestream.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  private Path spec(String maintenance) throws Exception {
    Path warehouse = dir.resolve("warehouse");
    Files.createDirectories(warehouse);
    Path spec = dir.resolve("spec.yaml");
    Files.writeString(
        spec,
        String.join(
            "\n",
            "pipeline: users",
            "source: {kafka: {bootstrap-servers: localhost:9092, topics: [users]}}",
            "schema: {fields: [{name: id, type: long}]}",
            "sink:",
            "  iceberg:",
            "    table: shop.users",
            "    catalog: {type: jdbc, warehouse: \""
                + warehouse
                + "\", uri: \"jdbc:sqlite:"
                + warehouse.resolve("catalog.db")
                + "\"}",
            maintenance));
    return spec;
  }

  @Test
  void onceRunsTheDueJobsAndPrintsEachRunAsJson() throws Exception {
    Path spec =
        spec(
            "maintenance: {jobs: [{name: expire, actions: [expire-snapshots], every-commits: 2,"
                + " older-than: 0s}]}\n");
    Path warehouse = dir.resolve("warehouse");
    Catalog catalog =
        Catalogs.load(
            Map.of(
                "type",
                "jdbc",
                "warehouse",
                warehouse.toString(),
                "uri",
                "jdbc:sqlite:" + warehouse.resolve("catalog.db")));
    try {
      ((SupportsNamespaces) catalog).createNamespace(Namespace.of("shop"));
      Table table =
          catalog.createTable(
              TableIdentifier.of("shop", "users"),
              new Schema(List.of(Types.NestedField.required(1, "id", Types.LongType.get()))),
              PartitionSpec.unpartitioned());
      for (int i = 0; i < 3; i++) {
        table.newAppend().commit();
      }
    } finally {
      ((AutoCloseable) catalog).close();
    }

    int code = run("schedule", "--spec", spec.toString(), "--once", "--json", "--owner", "t");

    assertThat(code).as(err.toString()).isZero();
    JsonNode run = new ObjectMapper().readTree(out.toString());
    assertThat(run.get("job").asText()).isEqualTo("expire");
    assertThat(run.get("table").asText()).isEqualTo("shop.users");
    assertThat(run.get("outcome").asText()).isEqualTo("ran");
    assertThat(run.get("detail").asText()).isEqualTo("2 commits since the last run");
    assertThat(run.get("results").get(0).get("counts").get("snapshots-expired").asLong())
        .isEqualTo(2);
  }

  @Test
  void refusesASpecWithoutMaintenance() throws Exception {
    Path spec = spec("");

    assertThat(run("schedule", "--spec", spec.toString())).isEqualTo(2);
    assertThat(err.toString())
        .contains(
            spec + " has no maintenance section; add one, or give it with --maintenance FILE");
  }
}
