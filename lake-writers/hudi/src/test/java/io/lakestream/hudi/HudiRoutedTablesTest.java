package io.lakestream.hudi;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.core.sink.Sink;
import io.lakestream.core.sink.SinkContext;
import io.lakestream.core.spec.WriterId;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A change source's tables routed with {@code table: namespace.*}: one Hudi table per name. */
class HudiRoutedTablesTest {
  @TempDir Path dir;

  private void open(String sectionTable, String table) {
    Map<String, Object> config =
        Map.of(
            "path",
            dir.resolve("lake").toString(),
            "table",
            sectionTable,
            "operation",
            "upsert",
            "record-key",
            List.of("order_id"));
    try (Sink sink =
        new HudiSinkFactory()
            .open(
                new SinkContext(
                    WriterId.of("p1"),
                    config,
                    table,
                    HudiCommitterTest.ORDERS,
                    SinkContext.Role.OUTPUT,
                    List.of("order_id")))) {
      assertThat(sink).isNotNull();
    }
  }

  /** The table name and type Hudi recorded in the table at {@code path}. */
  private static Properties hoodieProperties(Path path) throws IOException {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(path.resolve(".hoodie/hoodie.properties"))) {
      p.load(r);
    }
    return p;
  }

  @Test
  void writesEachRoutedTableToItsOwnDirectoryBelowPath() throws IOException {
    open("lake.*", "lake.orders");
    open("lake.*", "lake.customers");

    assertThat(hoodieProperties(dir.resolve("lake/orders")).getProperty("hoodie.table.name"))
        .isEqualTo("orders");
    assertThat(
            hoodieProperties(dir.resolve("lake/orders"))
                .getProperty("hoodie.table.recordkey.fields"))
        .isEqualTo("order_id");
    assertThat(hoodieProperties(dir.resolve("lake/customers")).getProperty("hoodie.table.name"))
        .isEqualTo("customers");
    assertThat(dir.resolve("lake/.hoodie")).doesNotExist();
  }

  @Test
  void writesASingleTableAtPathItself() throws IOException {
    open("lake.orders", "lake.orders");

    assertThat(hoodieProperties(dir.resolve("lake")).getProperty("hoodie.table.name"))
        .isEqualTo("orders");
  }
}
