package io.lakestream.cdc.postgres;

import io.lakestream.core.source.SourceFactory;
import io.lakestream.core.spec.SourceSpec;
import java.time.Clock;

/** Opens {@code source.postgres}: logical replication with pgoutput. */
public final class PostgresChangeSourceFactory implements SourceFactory {

  @Override
  public boolean accepts(SourceSpec spec) {
    return spec instanceof PostgresSourceSpec;
  }

  @Override
  public PostgresChangeSource open(SourceSpec spec, String writerName, Clock clock) {
    return new PostgresChangeSource((PostgresSourceSpec) spec);
  }
}
