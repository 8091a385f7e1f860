package io.lakestream.core.kafka;

import io.lakestream.core.source.SourceFactory;
import io.lakestream.core.spec.KafkaSourceSpec;
import io.lakestream.core.spec.SourceSpec;
import java.time.Clock;

/** Opens {@code source.kafka}. */
public final class KafkaSourceFactory implements SourceFactory {

  @Override
  public boolean accepts(SourceSpec spec) {
    return spec instanceof KafkaSourceSpec;
  }

  @Override
  public KafkaSource open(SourceSpec spec, String writerName, Clock clock) {
    return new KafkaSource((KafkaSourceSpec) spec, writerName, clock);
  }
}
