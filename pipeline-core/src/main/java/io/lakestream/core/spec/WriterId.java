package io.lakestream.core.spec;

import java.util.Objects;

/**
 * Who commits to a table: a pipeline and one of its writers. Fencing, idempotency and recovery are
 * per writer, so several writers of one pipeline (a second process, a backfill) commit to the same
 * table beside each other; a second instance of the same writer is fenced.
 *
 * @param pipeline the pipeline id
 * @param name the writer's name; {@value #DEFAULT} for the pipeline's own, which commits as
 *     lakestream always did and reads the tables it wrote before writers had names
 */
public record WriterId(String pipeline, String name) {
  /** The name of a pipeline's writer unless the spec names another. */
  public static final String DEFAULT = "default";

  public WriterId {
    Objects.requireNonNull(pipeline, "pipeline");
    Objects.requireNonNull(name, "name");
  }

  /** The pipeline's default writer. */
  public static WriterId of(String pipeline) {
    return new WriterId(pipeline, DEFAULT);
  }

  public boolean isDefault() {
    return name.equals(DEFAULT);
  }

  /** {@code pipeline orders} or {@code pipeline orders (writer backfill-1)}, for messages. */
  public String describe() {
    return "pipeline " + pipeline + (isDefault() ? "" : " (writer " + name + ")");
  }

  /**
   * A name unique to this writer, for what each writer needs its own of (a Kafka consumer group):
   * the pipeline id for the default writer, {@code <pipeline>-writer-<name>} for another.
   */
  public String qualifiedName() {
    return isDefault() ? pipeline : pipeline + "-writer-" + name;
  }
}
