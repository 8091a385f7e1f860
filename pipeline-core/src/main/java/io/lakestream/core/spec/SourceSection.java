package io.lakestream.core.spec;

/**
 * A source section as its {@link SourceType} read it: the spec when the section has no mistake, and
 * the checks the source makes of the rest of the spec. The checks apply as far as the section could
 * be read, so that a spec with mistakes in the section still gets them.
 */
public interface SourceSection {

  /** The section read, or null when it has a mistake (already reported). */
  SourceSpec spec();

  /**
   * Checks whether the spec may, or must, declare {@code schema} for this source, and gives the
   * schema of the records for a spec that declares none.
   *
   * @param declared whether the spec has a {@code schema} section
   * @param path the path of the {@code schema} section, for problems
   * @return when {@code declared} is false: the schema of the records without one ({@link
   *     SchemaSpec#undeclared()} when the columns are only known once the source opens), or null
   *     when the source cannot tell or the spec must declare one (a problem added); ignored when
   *     {@code declared} is true
   */
  SchemaSpec schema(boolean declared, String path, Problems problems);

  /**
   * Checks the rest of the spec against the source, e.g. whether transforms apply and what the sink
   * table must look like; adds one problem per mistake. Called once the sink is read.
   */
  void check(SpecOutline spec, Problems problems);
}
