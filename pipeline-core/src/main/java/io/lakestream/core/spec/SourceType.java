package io.lakestream.core.spec;

import java.util.List;

/**
 * One type of source, selected by its key under {@code source:}: it declares the options of its
 * section, reads the section into its own {@link SourceSpec}, and checks the rest of the spec
 * against itself. Implementations are found with {@link java.util.ServiceLoader} (see {@link
 * Registry#sourceTypes()}); pipeline-core provides {@code kafka}. {@code docs/spec-reference.md}
 * documents every type from these declarations.
 */
public interface SourceType {

  /** The key under {@code source:} that selects this type, e.g. {@code kafka}. */
  String name();

  /** What the type reads, one or two sentences of Markdown for the docs. */
  String description();

  /** The keys of the type's section, in the order the docs list them. */
  List<SpecOption<?>> options();

  /**
   * Reads the type's section. Adds one problem per mistake, each with its path below the section's
   * (for example {@code source.kafka.topics[1]}); never throws for a user mistake and never
   * connects to anything.
   *
   * @param section the section, read against {@link #options()}: unknown keys are already reported
   * @param context the pipeline id, the spec's directory and where problems go
   * @return the section as read, with the checks it makes of the rest of the spec
   */
  SourceSection read(Section section, SpecContext context);
}
