package io.lakestream.core.runtime;

import io.lakestream.core.decode.RecordDecoder;
import io.lakestream.core.error.BadRecord;
import io.lakestream.core.error.DeadLetter;
import io.lakestream.core.error.RecordException;
import io.lakestream.core.record.Row;
import io.lakestream.core.spec.ErrorSpec;
import io.lakestream.core.transform.RowTransform;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one source record into table rows for one task: decode, transform, write, and for a bad
 * record, apply the pipeline's error policy. Every bad record is counted and logged (rate-limited)
 * with its topic, partition and offset; none is dropped silently.
 */
final class RecordProcessor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RecordProcessor.class);
  private static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final String pipelineId;
  private final RecordDecoder decoder;
  private final RowTransform[] transforms;
  private final TableOutput output;
  private final TableOutput deadLetter;
  private final ErrorSpec.Policy policy;
  private final PipelineMetrics metrics;
  private final Clock clock;
  private long lastWarnNanos = System.nanoTime() - LOG_INTERVAL_NANOS;
  private long suppressedWarnings;

  RecordProcessor(
      String pipelineId,
      RecordDecoder decoder,
      List<RowTransform> transforms,
      TableOutput output,
      TableOutput deadLetter,
      ErrorSpec.Policy policy,
      PipelineMetrics metrics,
      Clock clock) {
    this.pipelineId = pipelineId;
    this.decoder = decoder;
    this.transforms = transforms.toArray(RowTransform[]::new);
    this.output = output;
    this.deadLetter = deadLetter;
    this.policy = policy;
    this.metrics = metrics;
    this.clock = clock;
  }

  List<TableOutput> outputs() {
    return deadLetter == null ? List.of(output) : List.of(output, deadLetter);
  }

  /**
   * Processes one record read from split {@code split} (the task's local index).
   *
   * @return the failure when the record is bad and the policy is {@code fail}; otherwise null
   */
  RecordFailure process(ConsumerRecord<byte[], byte[]> record, int split) {
    metrics.in.increment();
    String stage = "decode";
    try {
      Row row = decoder.decode(record.value());
      stage = "transform";
      for (RowTransform t : transforms) {
        row = t.apply(row);
        if (row == null) {
          metrics.filtered.increment();
          return null;
        }
      }
      output.write(row, split, record.offset());
      metrics.out.increment();
      return null;
    } catch (RecordException e) {
      return onBadRecord(record, split, stage, e.getMessage());
    }
  }

  private RecordFailure onBadRecord(
      ConsumerRecord<byte[], byte[]> r, int split, String stage, String error) {
    BadRecord bad =
        new BadRecord(r.topic(), r.partition(), r.offset(), r.timestamp(), r.key(), r.value());
    switch (policy) {
      case FAIL:
        return new RecordFailure(bad.coordinates(), stage, error);
      case DEAD_LETTER:
        long nowMicros = TimeUnit.MILLISECONDS.toMicros(clock.millis());
        deadLetter.write(
            DeadLetter.row(pipelineId, bad, stage, error, nowMicros), split, bad.offset());
        metrics.deadLettered.increment();
        warn("Dead-lettered", bad, stage, error);
        return null;
      case SKIP:
        metrics.skipped.increment();
        warn("Skipped", bad, stage, error);
        return null;
      default:
        throw new IllegalStateException("Unknown error policy " + policy);
    }
  }

  private void warn(String what, BadRecord bad, String stage, String error) {
    long now = System.nanoTime();
    if (now - lastWarnNanos >= LOG_INTERVAL_NANOS) {
      String more =
          suppressedWarnings == 0 ? "" : " (" + suppressedWarnings + " more since the last line)";
      LOG.warn("{} bad record at {} ({}): {}{}", what, bad.coordinates(), stage, error, more);
      lastWarnNanos = now;
      suppressedWarnings = 0;
    } else {
      suppressedWarnings++;
    }
  }

  @Override
  public void close() {
    for (TableOutput o : outputs()) {
      o.close();
    }
  }
}
