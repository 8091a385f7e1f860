package io.lakestream.iceberg;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class IcebergSinkOptionsDocTest {
  private static final Path DOC = Path.of("../../docs/sinks/iceberg.md");

  @Test
  void theDocumentedOptionTableIsTheDeclaredOne() throws Exception {
    String doc = Files.readString(DOC);
    int start = doc.indexOf('\n', doc.indexOf("<!-- options:start")) + 1;
    int end = doc.indexOf("<!-- options:end -->");

    assertThat(doc.substring(start, end))
        .as("docs/sinks/iceberg.md is out of date; paste IcebergSinkOptions.markdown() into it")
        .isEqualTo(IcebergSinkOptions.markdown());
  }

  @Test
  void declaresEveryKeyOfTheSection() {
    assertThat(IcebergSinkOptions.keys())
        .containsExactly(
            "catalog",
            "table",
            "partition-by",
            "target-file-size",
            "properties",
            "mode",
            "key",
            "delete-mode",
            "key-index-max-keys");
    assertThat(IcebergSinkOptions.all()).allSatisfy(o -> assertThat(o.description()).isNotBlank());
    assertThat(IcebergSinkOptions.TARGET_FILE_SIZE.defaultText()).isEqualTo("`128MB`");
  }
}
