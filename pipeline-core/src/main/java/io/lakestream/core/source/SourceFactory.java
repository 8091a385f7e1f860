package io.lakestream.core.source;

import io.lakestream.core.spec.SourceSpec;
import java.time.Clock;

/**
 * Opens the sources of one source type; found with {@link java.util.ServiceLoader}. {@code
 * pipeline-core} provides {@code kafka}, the {@code cdc} module {@code postgres}.
 */
public interface SourceFactory {

  /** Whether this factory opens sources of this spec section. */
  boolean accepts(SourceSpec spec);

  /**
   * Opens the source; connects only as far as {@link Source#splits()} needs.
   *
   * @param writerName a name unique to the pipeline's writer ({@link
   *     io.lakestream.core.spec.WriterId#qualifiedName}), for what each writer needs its own of,
   *     such as a Kafka consumer group
   * @param clock the pipeline's clock
   * @throws io.lakestream.core.error.PipelineException if the source cannot be reached or what the
   *     spec names does not exist
   */
  Source<?> open(SourceSpec spec, String writerName, Clock clock);
}
