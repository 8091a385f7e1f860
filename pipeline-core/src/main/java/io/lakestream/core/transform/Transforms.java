package io.lakestream.core.transform;

import io.lakestream.core.error.RecordException;
import io.lakestream.core.record.DataType;
import io.lakestream.core.record.Field;
import io.lakestream.core.record.Row;
import io.lakestream.core.record.Schema;
import io.lakestream.core.spec.TransformSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.commons.jexl3.JexlException;
import org.apache.commons.jexl3.JexlScript;

/**
 * The spec's transforms compiled against the input schema: the schema rows have after them, and a
 * factory for per-task chains (expression contexts are not shared between threads). The spec is
 * validated before this runs, so a missing column here is a programming error.
 *
 * <p>Expressions see columns as variables in their row representation (timestamps are microseconds
 * since the epoch). An expression that fails on a row, for example on a null column, makes that row
 * a bad record handled by the error policy.
 */
public final class Transforms {
  private final Schema output;
  private final List<Supplier<RowTransform>> steps;

  private Transforms(Schema output, List<Supplier<RowTransform>> steps) {
    this.output = output;
    this.steps = steps;
  }

  /** Compiles {@code specs} for rows of {@code input}. */
  public static Transforms compile(List<TransformSpec> specs, Schema input) {
    Schema schema = input;
    List<Supplier<RowTransform>> steps = new ArrayList<>();
    for (TransformSpec spec : specs) {
      Schema in = schema;
      if (spec instanceof TransformSpec.Filter f) {
        JexlScript script = Expressions.compile(f.expression());
        steps.add(() -> filter(script, new RowContext(in), f.expression()));
      } else if (spec instanceof TransformSpec.Compute c) {
        JexlScript script = Expressions.compile(c.expression());
        List<Field> fields = new ArrayList<>(in.fields());
        fields.add(Field.optional(c.name(), c.type()));
        schema = new Schema(fields);
        steps.add(() -> compute(script, new RowContext(in), c));
      } else if (spec instanceof TransformSpec.Project p) {
        int[] picks = p.fields().stream().mapToInt(n -> position(in, n)).toArray();
        List<Field> fields = new ArrayList<>();
        for (int pick : picks) {
          fields.add(in.field(pick));
        }
        schema = new Schema(fields);
        RowTransform project = project(picks);
        steps.add(() -> project);
      } else if (spec instanceof TransformSpec.Rename r) {
        List<Field> fields = new ArrayList<>();
        for (Field f : in.fields()) {
          String name = r.renames().getOrDefault(f.name(), f.name());
          fields.add(new Field(name, f.type(), f.required(), f.doc()));
        }
        schema = new Schema(fields);
      } else if (spec instanceof TransformSpec.Cast c) {
        List<Field> fields = new ArrayList<>(in.fields());
        int[] positions = new int[c.casts().size()];
        DataType[] types = new DataType[positions.length];
        int i = 0;
        for (Map.Entry<String, DataType> e : c.casts().entrySet()) {
          positions[i] = position(in, e.getKey());
          types[i] = e.getValue();
          Field old = fields.get(positions[i]);
          fields.set(positions[i], new Field(old.name(), e.getValue(), old.required(), old.doc()));
          i++;
        }
        schema = new Schema(fields);
        RowTransform cast = cast(positions, types, in);
        steps.add(() -> cast);
      }
    }
    return new Transforms(schema, List.copyOf(steps));
  }

  /** The schema of rows after every transform. */
  public Schema outputSchema() {
    return output;
  }

  /** A new chain for one task. */
  public List<RowTransform> newChain() {
    List<RowTransform> chain = new ArrayList<>(steps.size());
    steps.forEach(s -> chain.add(s.get()));
    return chain;
  }

  private static int position(Schema schema, String name) {
    return schema
        .position(name)
        .orElseThrow(() -> new IllegalArgumentException("No column " + name + " in " + schema));
  }

  private static RowTransform filter(JexlScript script, RowContext ctx, String source) {
    return row -> {
      Object result = evaluate(script, ctx.at(row), source);
      if (result instanceof Boolean b) {
        return b ? row : null;
      }
      throw new RecordException(
          "filter \"" + source + "\" returned " + result + ", not true or false");
    };
  }

  /** Appends the computed column (the spec parser refuses a name that is already a column). */
  private static RowTransform compute(
      JexlScript script, RowContext ctx, TransformSpec.Compute spec) {
    return row -> {
      Object value = Values.convert(evaluate(script, ctx.at(row), spec.expression()), spec.type());
      Row out = new Row(row.size() + 1);
      for (int i = 0; i < row.size(); i++) {
        out.set(i, row.get(i));
      }
      out.set(row.size(), value);
      return out;
    };
  }

  private static RowTransform project(int[] picks) {
    return row -> {
      Row out = new Row(picks.length);
      for (int i = 0; i < picks.length; i++) {
        out.set(i, row.get(picks[i]));
      }
      return out;
    };
  }

  private static RowTransform cast(int[] positions, DataType[] types, Schema in) {
    return row -> {
      for (int i = 0; i < positions.length; i++) {
        try {
          row.set(positions[i], Values.convert(row.get(positions[i]), types[i]));
        } catch (RecordException e) {
          throw new RecordException(
              "cast of " + in.field(positions[i]).name() + ": " + e.getMessage());
        }
      }
      return row;
    };
  }

  private static Object evaluate(JexlScript script, RowContext ctx, String source) {
    try {
      return script.execute(ctx);
    } catch (JexlException e) {
      throw new RecordException("expression \"" + source + "\" failed: " + e.getMessage());
    }
  }
}
