package io.lakestream.hudi;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class HudiSinkOptionsDocTest {
  private static final Path DOC = Path.of("../../docs/sinks/hudi.md");

  @Test
  void theDocumentedOptionTableIsTheDeclaredOne() throws Exception {
    String doc = Files.readString(DOC);
    int start = doc.indexOf('\n', doc.indexOf("<!-- options:start")) + 1;
    int end = doc.indexOf("<!-- options:end -->");

    assertThat(doc.substring(start, end))
        .as("docs/sinks/hudi.md is out of date; paste HudiSinkOptions.markdown() into it")
        .isEqualTo(HudiSinkOptions.markdown());
  }

  @Test
  void declaresEveryKeyOfTheSection() {
    assertThat(HudiSinkOptions.keys())
        .containsExactly(
            "path",
            "table",
            "type",
            "operation",
            "record-key",
            "ordering-field",
            "partition-by",
            "properties",
            "table-version",
            "compaction",
            "compact-every",
            "storage",
            "sync");
    assertThat(HudiSinkOptions.all()).allSatisfy(o -> assertThat(o.description()).isNotBlank());
  }
}
