package io.lakestream.core.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpecReferenceTest {
  @Test
  void documentsEveryDeclaredOption() {
    String markdown = SpecReference.markdown();

    List<List<SpecOption<?>>> sections = new ArrayList<>();
    for (SourceType type : Registry.sourceTypes().all()) {
      assertThat(markdown)
          .contains("## source." + type.name() + "\n")
          .contains("| `" + type.name() + "` | section | no |  | " + type.description() + " |");
      sections.add(type.options());
    }
    sections.addAll(
        List.of(
            SpecOptions.TOP_LEVEL_OPTIONS,
            SpecOptions.SCHEMA_OPTIONS,
            SpecOptions.FIELD_OPTIONS,
            SpecOptions.ELEMENT_OPTIONS,
            SpecOptions.TRANSFORM_OPTIONS,
            SpecOptions.COMPUTE_OPTIONS,
            SpecOptions.CHECKPOINT_OPTIONS,
            SpecOptions.ERRORS_OPTIONS));
    for (List<SpecOption<?>> section : sections) {
      for (SpecOption<?> option : section) {
        assertThat(markdown).contains("| `" + option.key() + "` | " + option.type() + " |");
      }
    }
  }

  @Test
  void theFormatOptionListsTheFormatsOnTheClassPathWithWhatTheyNeed() {
    SpecOption<String> format = SpecOptions.format(Registry.formats().all());

    assertThat(format.type()).isEqualTo("`avro` \\| `json`");
    assertThat(format.defaultText()).isEqualTo("`json`");
    assertThat(format.description())
        .isEqualTo("How record values are encoded. `avro` needs `schema-file`.");
  }

  @Test
  void rendersAnOptionAsATableRow() {
    String table =
        SpecReference.table(
            List.of(
                SpecOptions.CHECKPOINT_INTERVAL,
                SpecOption.key("mode")
                    .<String>type("`a` | `b`")
                    .required()
                    .withDescription("Picks a | b.")));

    assertThat(table)
        .isEqualTo(
            "| Key | Type | Required | Default | Description |\n"
                + "|---|---|---|---|---|\n"
                + "| `interval` | duration | no | `10s` | Time between checkpoints, at least 100ms."
                + " Every checkpoint is one commit per table, so this is also how long rows take"
                + " to become visible. |\n"
                + "| `mode` | `a` \\| `b` | yes |  | Picks a \\| b. |\n");
  }
}
