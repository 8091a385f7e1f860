package io.lakestream.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.core.spec.Secrets;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ErrorLogTest {
  @TempDir Path dir;

  @Test
  void keepsTheNewestErrorsOldestFirst() throws Exception {
    Instant start = Instant.parse("2026-01-01T00:00:00Z");
    int written = ErrorLog.KEPT + 5;
    for (int i = 0; i < written; i++) {
      ErrorLog.append(dir, start.plusSeconds(i), "error " + i + "\nsecond line");
    }

    List<ErrorLog.Entry> read = ErrorLog.read(dir.resolve(ErrorLog.FILE));

    assertThat(read)
        .containsExactlyElementsOf(
            IntStream.range(written - ErrorLog.KEPT, written)
                .mapToObj(
                    i -> new ErrorLog.Entry(start.plusSeconds(i), "error " + i + "\nsecond line"))
                .toList());
  }

  @Test
  void writesNoSecretAndSkipsALineCutShort() throws Exception {
    Secrets.hide("s3cr3t-from-the-environment", "${env:ERROR_LOG_TEST_SECRET}");
    Instant at = Instant.parse("2026-01-01T00:00:00Z");
    ErrorLog.append(
        dir, at, "cannot connect with password=hunter22 and s3cr3t-from-the-environment");
    Path file = dir.resolve(ErrorLog.FILE);
    Files.writeString(
        file, "{\"at\":\"2026-", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);

    String text = Files.readString(file);
    assertThat(text).doesNotContain("hunter22").doesNotContain("s3cr3t-from-the-environment");
    assertThat(ErrorLog.read(file))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.at()).isEqualTo(at);
              assertThat(e.error()).contains("${env:ERROR_LOG_TEST_SECRET}");
            });
  }
}
