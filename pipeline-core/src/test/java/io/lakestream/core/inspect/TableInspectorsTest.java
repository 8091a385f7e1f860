package io.lakestream.core.inspect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.core.error.PipelineException;
import io.lakestream.core.spec.SpecException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TableInspectorsTest {

  /** A format that reads the catalogs of {@code types}; its inspector lists one table per type. */
  private record FakeFormat(String format, List<String> catalogTypes)
      implements TableInspectorFactory {
    @Override
    public boolean accepts(Map<String, ?> catalogSection) {
      return catalogSection != null && catalogTypes.contains(catalogSection.get("type"));
    }

    @Override
    public TableInspector open(Map<String, ?> catalogSection) {
      return new TableInspector() {
        @Override
        public List<String> list() {
          return List.of(format + "." + catalogSection.get("type"));
        }

        @Override
        public TableDescription describe(String table, int commitLimit) {
          throw new UnsupportedOperationException("not needed by these tests");
        }

        @Override
        public ScanStats scan(String table) {
          throw new UnsupportedOperationException("not needed by these tests");
        }

        @Override
        public void close() {}
      };
    }
  }

  private static final FakeFormat LAKE = new FakeFormat("lake", List.of("jdbc", "hive"));
  private static final FakeFormat ARCHIVE = new FakeFormat("archive", List.of("hive", "files"));

  @Test
  void opensTheFirstFormatInNameOrderThatReadsTheCatalog() {
    try (TableInspector shared =
            TableInspectors.open(Map.of("type", "hive"), List.of(LAKE, ARCHIVE));
        TableInspector own = TableInspectors.open(Map.of("type", "jdbc"), List.of(ARCHIVE, LAKE))) {
      assertThat(shared.list()).containsExactly("archive.hive");
      assertThat(own.list()).containsExactly("lake.jdbc");
    }
  }

  @Test
  void aTypeNoFormatReadsIsAProblemOfTheCatalogType() {
    assertThatThrownBy(() -> TableInspectors.open(Map.of("type", "nope"), List.of(LAKE, ARCHIVE)))
        .isInstanceOf(SpecException.class)
        .hasMessage(
            "1 problem in the pipeline spec:\n"
                + "  catalog.type: no table format on the class path reads catalog type \"nope\""
                + " (archive reads hive, files; lake reads jdbc, hive); give a type one of them"
                + " reads, or put the module of the catalog's table format on the class path");
  }

  @Test
  void aCatalogWithoutATypeNoFormatReadsIsAProblemOfTheSection() {
    assertThatThrownBy(() -> TableInspectors.open(null, List.of(LAKE)))
        .isInstanceOf(SpecException.class)
        .hasMessage(
            "1 problem in the pipeline spec:\n"
                + "  catalog: no table format on the class path reads a catalog without a type"
                + " (lake reads jdbc, hive); give a type one of them reads, or put the module of"
                + " the catalog's table format on the class path");
  }

  @Test
  void noFormatOnTheClassPathSaysWhatToAdd() {
    assertThatThrownBy(() -> TableInspectors.open(Map.of("type", "jdbc"), List.of()))
        .isInstanceOf(PipelineException.class)
        .hasMessage(
            "No table format is on the class path to read catalogs with (no"
                + " io.lakestream.core.inspect.TableInspectorFactory is registered): put the"
                + " module of a table format on the class path");
  }
}
