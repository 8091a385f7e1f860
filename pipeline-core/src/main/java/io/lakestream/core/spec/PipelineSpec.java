package io.lakestream.core.spec;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A validated pipeline spec: where records come from, what shape they have, how they are
 * transformed, where they land, and how the pipeline checkpoints and handles bad records.
 *
 * @param pipeline the pipeline id, recorded in every table commit
 * @param source where records come from
 * @param schema the declared shape of decoded records
 * @param transforms applied in order to every record
 * @param sink where rows land
 * @param checkpoint how often and where the pipeline checkpoints
 * @param errors what happens to a record that cannot be decoded or converted
 * @param parallelism how many tasks read and write in parallel
 * @param eventTime where event time comes from, or null when the pipeline does not use it
 * @param state where stateful steps keep their state
 * @param writer the name this run commits under; {@link WriterId#DEFAULT} unless the spec names
 *     another
 * @param metrics where the running pipeline serves its metrics
 * @param maintenance the scheduled maintenance of the spec's tables; {@link MaintenanceSpec#NONE}
 *     when the spec has none
 */
public record PipelineSpec(
    String pipeline,
    SourceSpec source,
    SchemaSpec schema,
    List<TransformSpec> transforms,
    SinkSpec sink,
    CheckpointSpec checkpoint,
    ErrorSpec errors,
    int parallelism,
    EventTimeSpec eventTime,
    StateSpec state,
    String writer,
    MetricsSpec metrics,
    MaintenanceSpec maintenance) {
  public PipelineSpec {
    Objects.requireNonNull(pipeline, "pipeline");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(schema, "schema");
    transforms = List.copyOf(transforms);
    Objects.requireNonNull(sink, "sink");
    Objects.requireNonNull(checkpoint, "checkpoint");
    Objects.requireNonNull(errors, "errors");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(writer, "writer");
    Objects.requireNonNull(metrics, "metrics");
    Objects.requireNonNull(maintenance, "maintenance");
  }

  /**
   * The tables the spec writes by name: the sink table unless it is a pattern, every window's late
   * table, and the dead-letter table.
   */
  public List<String> outputTables() {
    return outputTables(sink, transforms, errors);
  }

  static List<String> outputTables(
      SinkSpec sink, List<TransformSpec> transforms, ErrorSpec errors) {
    Set<String> names = new LinkedHashSet<>();
    if (!sink.tablePattern()) {
      names.add(sink.table());
    }
    for (TransformSpec t : transforms) {
      if (t instanceof TransformSpec.Window w) {
        names.add(w.lateTable());
      }
    }
    if (errors.policy() == ErrorSpec.Policy.DEAD_LETTER) {
      names.add(errors.deadLetterTable());
    }
    return List.copyOf(names);
  }

  /** Who this run's commits are made by. */
  public WriterId writerId() {
    return new WriterId(pipeline, writer);
  }

  /** Whether a step keeps state between records (dedupe, window). */
  public boolean stateful() {
    return transforms.stream().anyMatch(TransformSpec::keyed);
  }

  /**
   * The Kafka source section.
   *
   * @throws IllegalStateException if the source is not Kafka
   */
  public KafkaSourceSpec kafka() {
    if (source instanceof KafkaSourceSpec k) {
      return k;
    }
    throw new IllegalStateException("The source of pipeline " + pipeline + " is not Kafka");
  }

  /** This spec with another source section. */
  public PipelineSpec withSource(SourceSpec newSource) {
    return new PipelineSpec(
        pipeline,
        newSource,
        schema,
        transforms,
        sink,
        checkpoint,
        errors,
        parallelism,
        eventTime,
        state,
        writer,
        metrics,
        maintenance);
  }

  /**
   * This spec committing as writer {@code name} of the same pipeline, with that writer's own
   * checkpoint directory (see {@link CheckpointSpec#writerDir}).
   */
  public PipelineSpec withWriter(String name) {
    return new PipelineSpec(
        pipeline,
        source,
        schema,
        transforms,
        sink,
        checkpoint.forWriter(writer, name),
        errors,
        parallelism,
        eventTime,
        state,
        name,
        metrics,
        maintenance);
  }

  /** This spec with another metrics section. */
  public PipelineSpec withMetrics(MetricsSpec newMetrics) {
    return new PipelineSpec(
        pipeline,
        source,
        schema,
        transforms,
        sink,
        checkpoint,
        errors,
        parallelism,
        eventTime,
        state,
        writer,
        newMetrics,
        maintenance);
  }
}
