package io.lakestream.core.spec;

import java.util.Map;

/**
 * The {@code source} section as its {@link SourceType} read it: where records come from. Each
 * source type has its own record.
 */
public interface SourceSpec {

  /**
   * What the source reads, in words, e.g. {@code topics orders from localhost:9092 (json)}; secrets
   * masked. {@code lakestream validate} prints it.
   */
  String summary();

  /**
   * For a source that reads several tables, each written to {@code namespace.<its name>} of a
   * {@code namespace.*} sink table: the lake table names of the source tables not named after
   * themselves, by source table. Empty by default.
   */
  default Map<String, String> routes() {
    return Map.of();
  }
}
