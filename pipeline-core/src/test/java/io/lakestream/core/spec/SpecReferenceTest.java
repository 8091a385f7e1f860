package io.lakestream.core.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpecReferenceTest {
  /** Tests run in pipeline-core/; the docs live in the repository root. */
  private static final Path REFERENCE = Path.of("..", "docs", "spec-reference.md");

  @Test
  void committedReferenceIsUpToDate() throws Exception {
    String committed = Files.readString(REFERENCE, StandardCharsets.UTF_8);

    assertThat(committed)
        .as(
            "docs/spec-reference.md is out of date; regenerate it from the repository root with"
                + " java -cp pipeline-core/target/classes io.lakestream.core.spec.SpecReference"
                + " docs/spec-reference.md")
        .isEqualTo(SpecReference.markdown());
  }

  @Test
  void documentsEveryDeclaredOption() {
    String markdown = SpecReference.markdown();

    for (List<SpecOption<?>> section :
        List.of(
            SpecOptions.TOP_LEVEL_OPTIONS,
            SpecOptions.SOURCE_OPTIONS,
            SpecOptions.KAFKA_OPTIONS,
            SpecOptions.SCHEMA_OPTIONS,
            SpecOptions.FIELD_OPTIONS,
            SpecOptions.ELEMENT_OPTIONS,
            SpecOptions.TRANSFORM_OPTIONS,
            SpecOptions.COMPUTE_OPTIONS,
            SpecOptions.CHECKPOINT_OPTIONS,
            SpecOptions.ERRORS_OPTIONS)) {
      for (SpecOption<?> option : section) {
        assertThat(markdown).contains("| `" + option.key() + "` | " + option.type() + " |");
      }
    }
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
