package io.lakestream.core.inspect;

import java.util.List;
import java.util.Map;

/**
 * Opens {@link TableInspector}s for the catalogs of one table format. Implementations are found
 * with {@link java.util.ServiceLoader}; a lake writer module registers one for its format.
 */
public interface TableInspectorFactory {

  /** The table format's name as users know it, e.g. in {@code describe}'s heading and messages. */
  String format();

  /**
   * The catalog types this format reads, as a {@code catalog} section's {@code type} names them;
   * listed in the message when no format on the class path reads a catalog.
   */
  List<String> catalogTypes();

  /**
   * Whether this format reads the catalog a section describes. Looks only at the section (its
   * {@code type}, say), never connects; a section this returns true for may still be invalid, which
   * {@link #open} reports.
   *
   * @param catalogSection the {@code catalog} section as a spec's sink holds it; null for the
   *     default catalog
   */
  boolean accepts(Map<String, ?> catalogSection);

  /**
   * Connects to the catalog a section describes.
   *
   * @param catalogSection a section {@link #accepts} returned true for; null for the default
   *     catalog
   * @throws io.lakestream.core.spec.SpecException if the section is invalid
   * @throws io.lakestream.core.error.PipelineException if the catalog cannot be reached
   */
  TableInspector open(Map<String, ?> catalogSection);
}
