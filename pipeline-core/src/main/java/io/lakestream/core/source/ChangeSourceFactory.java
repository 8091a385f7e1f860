package io.lakestream.core.source;

import io.lakestream.core.spec.SourceSpec;

/**
 * Opens {@link ChangeSource}s of one source type; found with {@link java.util.ServiceLoader} (the
 * {@code cdc} module provides {@code postgres}).
 */
public interface ChangeSourceFactory {

  /** Whether this factory opens sources of this spec section. */
  boolean accepts(SourceSpec spec);

  /**
   * Connects and reads the tables' definitions.
   *
   * @throws io.lakestream.core.error.PipelineException if the database cannot be reached or a table
   *     has no primary key
   */
  ChangeSource open(SourceSpec spec, String pipelineId);
}
