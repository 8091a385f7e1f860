package io.lakestream.core.spec;

/**
 * The parts of a spec a source checks against itself (see {@link SourceSection#check}).
 *
 * @param transforms whether the spec has transforms
 * @param sink the sink section, or null when it has a mistake (already reported)
 */
public record SpecOutline(boolean transforms, SinkSpec sink) {

  /** The path of the sink table, e.g. {@code sink.iceberg.table}. */
  public String sinkTablePath() {
    return Section.child(
        Section.child(SpecOptions.SINK.key(), sink.type()), SpecOptions.SINK_TABLE.key());
  }

  /**
   * Adds a problem when the spec has transforms: they do not apply to records that describe changes
   * yet.
   *
   * @param changes what makes the records changes, e.g. {@code format <name>} or {@code source
   *     <type>}
   */
  public void noTransformsOnChanges(String changes, Problems problems) {
    if (transforms) {
      problems.add(
          SpecOptions.TRANSFORMS.key(),
          "are not supported for change streams ("
              + changes
              + ") yet: a step would have to treat deletes as well as new rows");
    }
  }
}
