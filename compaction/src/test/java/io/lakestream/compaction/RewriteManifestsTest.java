package io.lakestream.compaction;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RewriteManifestsTest {
  @TempDir Path dir;

  @Test
  void mergesTheDataManifestsOfManyCommits() throws Exception {
    try (TestTable t = new TestTable(dir)) {
      for (int i = 0; i < 4; i++) {
        t.append(i * 10, i * 10 + 10, i % 2);
      }

      ActionResult result = new RewriteManifests(Clock.systemUTC()).run(t.table, false, l -> {});

      t.table.refresh();
      assertThat(t.table.currentSnapshot().dataManifests(t.table.io())).hasSize(1);
      assertThat(result.count("manifests-rewritten")).isEqualTo(4);
      assertThat(result.count("manifests-added")).isEqualTo(1);
      assertThat(result.count("commits-skipped")).isZero();
      assertThat(TestTable.ids(t.table)).hasSize(40);
    }
  }
}
