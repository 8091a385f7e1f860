package io.lakestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.core.spec.SpecReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The committed spec reference is the one the declarations render, with every module of the
 * distribution on the class path: the source types and formats of each are documented.
 */
class SpecReferenceTest {
  /** Tests run in cli/; the docs live in the repository root. */
  private static final Path REFERENCE = Path.of("..", "docs", "spec-reference.md");

  @Test
  void committedReferenceIsUpToDate() throws Exception {
    String committed = Files.readString(REFERENCE, StandardCharsets.UTF_8);

    assertThat(committed)
        .as(
            "docs/spec-reference.md is out of date; regenerate it from the repository root with the"
                + " CLI's class path: mvn -pl cli -am compile dependency:build-classpath"
                + " -Dmdep.outputFile=/tmp/cp.txt, then java -cp \"cli/target/classes:$(cat"
                + " /tmp/cp.txt)\" io.lakestream.core.spec.SpecReference docs/spec-reference.md")
        .isEqualTo(SpecReference.markdown());
  }

  @Test
  void documentsTheSourceTypesAndFormatsOfEveryModule() {
    assertThat(SpecReference.markdown())
        .contains("## source.kafka\n", "## source.postgres\n")
        .contains("`avro` \\| `debezium-avro` \\| `debezium-json` \\| `json`");
  }
}
