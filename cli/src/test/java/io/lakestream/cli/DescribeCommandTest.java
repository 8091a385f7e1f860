package io.lakestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakestream.catalog.Catalogs;
import io.lakestream.catalog.CommitMetadata;
import io.lakestream.core.spec.WriterId;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DescribeCommandTest {
  private static final Map<String, Long> POSITIONS = Map.of("orders:1", 17L, "orders:0", 42L);

  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private String warehouse;

  /** A table keyed by id, sorted by id, with one property and one lakestream commit. */
  @BeforeEach
  void createTable() throws Exception {
    warehouse = dir.resolve("warehouse").toString();
    java.nio.file.Files.createDirectories(Path.of(warehouse));
    Map<String, Object> section =
        Map.of(
            "type",
            "jdbc",
            "warehouse",
            warehouse,
            "uri",
            "jdbc:sqlite:" + Path.of(warehouse, "catalog.db"));
    Catalog catalog = Catalogs.load(section);
    try {
      Schema schema =
          new Schema(
              List.of(
                  Types.NestedField.required(1, "id", Types.LongType.get()),
                  Types.NestedField.optional(2, "name", Types.StringType.get())),
              Set.of(1));
      ((org.apache.iceberg.catalog.SupportsNamespaces) catalog)
          .createNamespace(org.apache.iceberg.catalog.Namespace.of("shop"));
      Table table =
          catalog.createTable(
              TableIdentifier.of("shop", "users"),
              schema,
              PartitionSpec.unpartitioned(),
              Map.of("owner", "team-a", "s3.secret-access-key", "tablesecret"));
      table.replaceSortOrder().asc("id").commit();
      AppendFiles append = table.newAppend();
      CommitMetadata.toCommitEntries(WriterId.of("users-sync"), 7, POSITIONS).forEach(append::set);
      append.commit();
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
  void showsKeySortOrderPropertiesDeletesAndSourcePositions() {
    int code = run("describe", "shop.users", "--warehouse", warehouse);

    assertThat(code).isZero();
    List<String> lines = out.toString().lines().toList();
    assertThat(lines)
        .contains(
            "  sort order:   id ASC NULLS FIRST",
            "  upsert key:   id",
            "  current:      0 rows in 0 data files, 0 B",
            "  deletes:      0 position-delete files (0 rows), 0 equality-delete files (0 keys)",
            "  live rows:    0",
            "    owner = team-a",
            "    s3.secret-access-key = ******");
    assertThat(out.toString()).doesNotContain("tablesecret");
    String snapshot = lines.get(lines.size() - 1);
    assertThat(snapshot)
        .contains(" users-sync ")
        .endsWith(" 7        0            0  orders:0=42, orders:1=17");
  }

  @Test
  void printsJsonWithStableFieldNames() throws Exception {
    int code = run("describe", "shop.users", "--warehouse", warehouse, "--json");

    assertThat(code).isZero();
    JsonNode d = new ObjectMapper().readTree(out.toString());
    assertThat(d.get("name").asText()).isEqualTo("shop.users");
    assertThat(d.get("identifier_fields").get(0).asText()).isEqualTo("id");
    assertThat(d.get("sort_order").asText()).isEqualTo("id ASC NULLS FIRST");
    assertThat(d.get("properties").get("owner").asText()).isEqualTo("team-a");
    assertThat(d.get("properties").get("s3.secret-access-key").asText()).isEqualTo("******");
    assertThat(d.get("current").get("live_rows").asLong()).isZero();
    JsonNode snapshot = d.get("snapshots").get(0);
    assertThat(snapshot.get("pipeline").asText()).isEqualTo("users-sync");
    assertThat(snapshot.get("checkpoint").asLong()).isEqualTo(7);
    assertThat(snapshot.get("source_positions").get("orders:0").asLong()).isEqualTo(42);
    assertThat(snapshot.get("source_positions").get("orders:1").asLong()).isEqualTo(17);
  }

  @Test
  void tablesPrintsJson() throws Exception {
    int code = run("tables", "--warehouse", warehouse, "--json");

    assertThat(code).isZero();
    assertThat(new ObjectMapper().readTree(out.toString()).get("tables").get(0).asText())
        .isEqualTo("shop.users");
  }

  @Test
  void refusesANegativeSnapshotCount() {
    int code = run("describe", "shop.users", "--warehouse", warehouse, "--snapshots=-1");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).startsWith("--snapshots must be 0 or more (got -1)");
  }

  @Test
  void writesSizesInBinaryUnits() {
    assertThat(DescribeCommand.bytes(512)).isEqualTo("512 B");
    assertThat(DescribeCommand.bytes(1536)).isEqualTo("1.5 KiB");
    assertThat(DescribeCommand.bytes(3L << 30)).isEqualTo("3.0 GiB");
  }
}
