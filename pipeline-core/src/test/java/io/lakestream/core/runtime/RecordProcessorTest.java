package io.lakestream.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakestream.core.record.Row;
import io.lakestream.core.source.SourceRecord;
import io.lakestream.core.spec.ErrorSpec;
import io.lakestream.core.spec.KafkaSourceSpec.Tombstones;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordProcessorTest {
  private final PipelineMetrics metrics = new PipelineMetrics();
  private final List<Long> accepted = new ArrayList<>();

  private RecordProcessor processor(ErrorSpec.Policy policy) {
    return new RecordProcessor(
        value -> {
          if (value[0] == '!') {
            throw new IllegalStateException("decoder bug");
          }
          return new Row(1L);
        },
        null,
        List.of(),
        (row, record, split) -> accepted.add(record.offset()),
        List.of(),
        new BadRecords("p", policy, null, metrics, Clock.systemUTC(), System::nanoTime),
        metrics,
        Tombstones.AUTO,
        null);
  }

  private static SourceRecord record(long offset, String value) {
    return new SourceRecord("t", 0, offset, -1, null, value.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aDecoderThatFailsUnexpectedlyMakesABadRecordNotADeadTask() {
    RecordProcessor p = processor(ErrorSpec.Policy.SKIP);

    assertThat(p.process(record(0, "ok"), 0)).isNull();
    assertThat(p.process(record(1, "!"), 0)).isNull();
    assertThat(p.process(record(2, "ok"), 0)).isNull();

    assertThat(accepted).containsExactly(0L, 2L);
    assertThat(metrics.snapshot().skipped()).isEqualTo(1);
  }

  @Test
  void underFailItStopsAtThatRecordNamingIt() {
    RecordFailure failure = processor(ErrorSpec.Policy.FAIL).process(record(7, "!"), 0);

    assertThat(failure.message()).contains("t/0@7").contains("the decoder failed: decoder bug");
  }
}
