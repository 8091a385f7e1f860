package io.lakestream.cdc.postgres;

import io.lakestream.core.source.ChangeSource;
import io.lakestream.core.source.ChangeSourceFactory;
import io.lakestream.core.spec.SourceSpec;

/** Opens {@code source.postgres}: logical replication with pgoutput. */
public final class PostgresChangeSourceFactory implements ChangeSourceFactory {

  @Override
  public boolean accepts(SourceSpec spec) {
    return spec instanceof PostgresSourceSpec;
  }

  @Override
  public ChangeSource open(SourceSpec spec, String pipelineId) {
    return new PostgresChangeSource((PostgresSourceSpec) spec);
  }
}
