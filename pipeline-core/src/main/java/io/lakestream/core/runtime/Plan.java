package io.lakestream.core.runtime;

import io.lakestream.core.aggregate.AggregateFunction;
import io.lakestream.core.record.DataType;
import io.lakestream.core.record.Field;
import io.lakestream.core.record.Schema;
import io.lakestream.core.spec.TransformSpec;
import io.lakestream.core.transform.Transforms;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The spec's transforms cut at its keyed steps ({@code dedupe}, {@code window}): the stateless
 * steps source tasks run, then per keyed step its input schema and the stateless steps after it.
 */
final class Plan {
  /**
   * One keyed step.
   *
   * @param step the dedupe or window
   * @param input the rows it receives
   * @param after the stateless steps between it and the next keyed step or the table
   */
  record Stage(TransformSpec step, Schema input, Transforms after) {
    /** The columns whose hash picks a record's task. */
    List<String> key() {
      return step instanceof TransformSpec.Dedupe d
          ? d.key()
          : ((TransformSpec.Window) step).groupBy();
    }

    /** The owner names of this stage's tasks' state: {@code dedupe-0}, {@code window-1}. */
    String owner(int index) {
      return (step instanceof TransformSpec.Dedupe ? "dedupe-" : "window-") + index;
    }
  }

  final Transforms head;
  final List<Stage> stages;
  final Schema output;

  private Plan(Transforms head, List<Stage> stages, Schema output) {
    this.head = head;
    this.stages = List.copyOf(stages);
    this.output = output;
  }

  static Plan of(List<TransformSpec> specs, Schema input) {
    List<List<TransformSpec>> segments = new ArrayList<>();
    List<TransformSpec> keyed = new ArrayList<>();
    segments.add(new ArrayList<>());
    for (TransformSpec spec : specs) {
      if (spec.keyed()) {
        keyed.add(spec);
        segments.add(new ArrayList<>());
      } else {
        segments.get(segments.size() - 1).add(spec);
      }
    }
    Transforms head = Transforms.compile(segments.get(0), input);
    Schema schema = head.outputSchema();
    List<Stage> stages = new ArrayList<>();
    for (int i = 0; i < keyed.size(); i++) {
      TransformSpec step = keyed.get(i);
      Schema out = step instanceof TransformSpec.Window w ? windowSchema(w, schema) : schema;
      Transforms after = Transforms.compile(segments.get(i + 1), out);
      stages.add(new Stage(step, schema, after));
      schema = after.outputSchema();
    }
    return new Plan(head, stages, schema);
  }

  /** The aggregates of a window step over rows of {@code input}, in output order. */
  static List<AggregateFunction> aggregates(TransformSpec.Window w, Schema input) {
    List<AggregateFunction> result = new ArrayList<>();
    for (Map.Entry<String, String> e : w.aggregates().entrySet()) {
      result.add(AggregateFunction.parse(e.getKey(), e.getValue(), input));
    }
    return result;
  }

  /** {@code window_start, window_end, group-by columns, aggregates}. */
  static Schema windowSchema(TransformSpec.Window w, Schema input) {
    List<Field> fields = new ArrayList<>();
    fields.add(Field.required(TransformSpec.Window.START_COLUMN, DataType.Primitive.TIMESTAMP));
    fields.add(Field.required(TransformSpec.Window.END_COLUMN, DataType.Primitive.TIMESTAMP));
    for (String g : w.groupBy()) {
      Field f = input.field(input.position(g).orElseThrow());
      fields.add(Field.required(f.name(), f.type()));
    }
    for (AggregateFunction a : aggregates(w, input)) {
      fields.add(Field.optional(a.outputName(), a.resultType()));
    }
    return new Schema(fields);
  }

  /**
   * The key the output table's rows have when the plan makes them keyed: a window's bounds and
   * groups, or a keep-last dedupe's key; empty otherwise.
   */
  List<String> outputKey() {
    if (stages.isEmpty()) {
      return List.of();
    }
    TransformSpec last = stages.get(stages.size() - 1).step();
    if (last instanceof TransformSpec.Window w) {
      List<String> key =
          new ArrayList<>(
              List.of(TransformSpec.Window.START_COLUMN, TransformSpec.Window.END_COLUMN));
      key.addAll(w.groupBy());
      return key;
    }
    TransformSpec.Dedupe d = (TransformSpec.Dedupe) last;
    return d.keep() == TransformSpec.Dedupe.Keep.LAST ? d.key() : List.of();
  }

  /** The window step, if the plan has one. */
  TransformSpec.Window window() {
    for (Stage s : stages) {
      if (s.step() instanceof TransformSpec.Window w) {
        return w;
      }
    }
    return null;
  }
}
