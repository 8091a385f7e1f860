package io.lakestream.core.sink;

import io.lakestream.core.spec.Problems;
import java.util.Map;

/**
 * Creates sinks of one type, such as {@code iceberg}. Implementations are found with {@link
 * java.util.ServiceLoader}; the type is the key under {@code sink:} in a pipeline spec.
 */
public interface SinkFactory {

  /** The key under {@code sink:} that selects this factory, e.g. {@code iceberg}. */
  String type();

  /**
   * Checks this sink's section of a spec and adds one problem per mistake, each with its path below
   * {@code path} (for example {@code sink.iceberg.partition-by[1]}). Never throws for a user
   * mistake and never connects to anything.
   *
   * @param config the section as parsed from YAML: maps, lists, strings, numbers and booleans
   * @param path the path of the section in the spec, e.g. {@code sink.iceberg}
   * @param problems where problems are collected
   */
  void validate(Map<String, Object> config, String path, Problems problems);

  /**
   * Checks, without connecting to anything, that this sink can write one table the pipeline will
   * open: the checks {@link #open} would otherwise make only after reaching the catalog (columns
   * named by the section exist in the rows, keys are consistent, the table name is valid). Adds one
   * problem per mistake; called only for a section {@link #validate} found no problem in. The
   * default checks nothing.
   *
   * @param table the table, its rows and where the spec names it
   * @param problems where problems are collected
   */
  default void check(TablePlan table, Problems problems) {}

  /**
   * Opens the sink's table for a pipeline, creating the table when it is absent. The returned sink
   * owns catalog connections and must be closed.
   *
   * @throws io.lakestream.core.error.PipelineException if the catalog cannot be reached or the
   *     existing table cannot take rows of the given schema
   */
  Sink open(SinkContext context);
}
