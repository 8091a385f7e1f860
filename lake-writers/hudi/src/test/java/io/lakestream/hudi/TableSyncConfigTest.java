package io.lakestream.hudi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.core.spec.Problems;
import io.lakestream.core.spec.SpecException;
import io.lakestream.core.spec.SpecProblem;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code sink.hudi.sync}: validation, and the Trino catalog {@code trino-catalog} prints for it.
 */
class TableSyncConfigTest {

  private static List<String> problems(Object sync) {
    Problems problems = new Problems();
    new HudiSinkFactory()
        .validate(Map.of("path", "t", "table", "s.t", "sync", sync), "sink.hudi", problems);
    return problems.list().stream().map(SpecProblem::toString).toList();
  }

  @Test
  void acceptsAFileMetastoreAndDefaultsTheSchemaToTheNamespace() {
    Map<String, Object> sync = Map.of("type", "trino-file-metastore", "dir", "meta");
    assertThat(problems(sync)).isEmpty();
    TableSyncConfig parsed =
        TableSyncConfig.parse(Map.of("sync", sync), "sink.hudi", new Problems());
    assertThat(parsed.dir()).isEqualTo(Path.of("meta").toAbsolutePath());
    assertThat(parsed.schemaOf("Shop.Orders")).isEqualTo("shop");
    assertThat(TableSyncConfig.tableOf("Shop.Orders")).isEqualTo("orders");
  }

  @Test
  void listsEveryProblemWithItsPath() {
    assertThat(
            problems(Map.of("type", "hive-metastore", "dir", "s3://b/m", "schema", "A-b", "x", 1)))
        .containsExactlyInAnyOrder(
            "sink.hudi.sync.x: unknown option (known: type, dir, schema)",
            "sink.hudi.sync.type: unknown value \"hive-metastore\" (supported:"
                + " trino-file-metastore; a Hive Metastore or Glue sync does not exist yet)",
            "sink.hudi.sync.dir: must be a local directory (given s3://b/m): the file metastore"
                + " sync writes local files",
            "sink.hudi.sync.schema: must be a lower-case name of letters, digits and _ (given A-b)");
    assertThat(problems("yes")).singleElement().asString().startsWith("sink.hudi.sync: must be a");
  }

  @Test
  void printsTheTrinoCatalogOfTheFileMetastore() {
    HudiTrinoCatalog catalog =
        HudiTrinoCatalog.of(
            Map.of(
                "path",
                "warehouse/orders",
                "table",
                "shop.orders",
                "sync",
                Map.of("type", "trino-file-metastore", "dir", "/data/meta", "schema", "lake")),
            "shop.orders");

    assertThat(catalog.table()).isEqualTo("lake.orders");
    assertThat(catalog.lines())
        .contains(
            "connector.name=hudi",
            "hive.metastore=file",
            "hive.metastore.catalog.dir=file:///data/meta",
            "hive.metastore.version-compatibility=UNSAFE_ASSUME_COMPATIBILITY",
            "fs.native-local.enabled=true",
            "local.location=/");
  }

  @Test
  void refusesATrinoCatalogForATableRegisteredNowhere() {
    assertThatThrownBy(() -> HudiTrinoCatalog.of(Map.of("path", "t", "table", "s.t"), "s.t"))
        .isInstanceOf(SpecException.class)
        .hasMessageContaining("sink.hudi.sync")
        .hasMessageContaining("trino-file-metastore");
  }
}
