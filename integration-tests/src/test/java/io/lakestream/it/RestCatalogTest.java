package io.lakestream.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.cli.embedded.EmbeddedKafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pipeline whose Iceberg catalog is a real REST catalog server ({@code catalog: {type: rest, uri:
 * ...}}): killed at each phase boundary of the commit protocol and resumed, its tables read through
 * the REST catalog with Iceberg's reader hold every event exactly once ({@link CrashRuns}), and
 * Trino, given the catalog file {@code lakestream trino-catalog} prints, answers the same count and
 * sum as the test's reference.
 */
@ExtendWith({KafkaBroker.class, SharedRestCatalog.class, SharedTrino.class})
class RestCatalogTest {
  private static final int RECORDS = 20_000;
  private static final int BAD_EVERY = 2_000;
  private static final List<String> KILLS = List.of("PREPARED", "PERSISTED", "COMMITTED");

  @TempDir Path dir;

  @Test
  void everyRecordLandsExactlyOnceThroughTheRestCatalogAndTrinoReadsIt(
      EmbeddedKafkaBroker broker, RestCatalogServer rest, TrinoServer trino) throws Exception {
    String topic = "rest-catalog";
    broker.createTopic(topic, 2);
    TestPipeline p =
        TestPipeline.of(dir, broker.bootstrapServers(), topic)
            .withPolicy("dead-letter")
            .withCatalog(rest.catalogSection());

    TestEvents.Produced produced =
        new CrashRuns(RECORDS, BAD_EVERY, KILLS, false).runAndVerify(broker, p);
    // the table files are where the server put them, not in the pipeline's directory
    assertThat(LakeTables.load(p, TestPipeline.TABLE).location())
        .startsWith(rest.warehouse().toUri().toString().replaceAll("/$", ""));

    Path catalogFile = trino.createCatalogFor(p.writeSpec(), "it_rest", dir);
    assertThat(Files.readAllLines(catalogFile))
        .contains("iceberg.catalog.type=rest", "iceberg.rest-catalog.uri=" + rest.uri());

    try (Connection c = trino.connect();
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT count(*), count(DISTINCT event_id), sum(amount),"
                    + " (SELECT count(*) FROM it_rest.it.events_dead_letter)"
                    + " FROM it_rest.it.events")) {
      assertThat(r.next()).isTrue();
      assertThat(r.getLong(1)).isEqualTo(RECORDS);
      assertThat(r.getLong(2)).isEqualTo(RECORDS);
      assertThat(r.getBigDecimal(3)).isEqualTo(produced.amountSum());
      assertThat(r.getLong(4)).isEqualTo(produced.badCoordinates().size());
    }
  }
}
