package io.lakestream.core.runtime;

import io.lakestream.core.sink.SinkFactories;
import io.lakestream.core.sink.SinkFactory;
import io.lakestream.core.sink.TablePlan;
import io.lakestream.core.spec.KafkaSourceSpec;
import io.lakestream.core.spec.PipelineSpec;
import io.lakestream.core.spec.Problems;
import io.lakestream.core.spec.SpecException;
import io.lakestream.core.spec.SpecParser;
import io.lakestream.core.spec.SpecProblem;
import java.nio.file.Path;
import java.util.List;

/**
 * Everything a run checks before it reads a record, made without connecting to anything: the spec
 * as {@link SpecParser} reads it, then, for a Kafka source, each table the run will open checked by
 * its sink's {@link SinkFactory#check} against the rows the pipeline's steps leave. {@code
 * lakestream validate} and {@link Pipeline#run} both call this, so a spec that validates is one
 * that starts.
 */
public final class PipelineChecks {
  private PipelineChecks() {}

  /**
   * Reads a spec file and checks it.
   *
   * @throws SpecException listing every problem, or saying that the file cannot be read
   */
  public static PipelineSpec parse(Path file) {
    PipelineSpec spec = SpecParser.parse(file);
    require(spec);
    return spec;
  }

  /**
   * Checks a parsed spec.
   *
   * @throws SpecException listing every problem found
   */
  public static void require(PipelineSpec spec) {
    List<SpecProblem> problems = problems(spec);
    if (!problems.isEmpty()) {
      throw new SpecException(problems);
    }
  }

  /** The problems of a parsed spec that only show against the rows it writes; empty if none. */
  public static List<SpecProblem> problems(PipelineSpec spec) {
    Problems problems = new Problems();
    if (!(spec.source() instanceof KafkaSourceSpec)) {
      return List.of(); // the rows come from the database: its tables are checked when they open
    }
    SinkFactory factory = SinkFactories.find(spec.sink().type()).orElse(null);
    if (factory == null) {
      return List.of(); // the parser reports an unknown sink type
    }
    Plan plan = Plan.of(spec.transforms(), spec.schema().schema());
    for (TablePlan table : TablePlans.of(spec, plan)) {
      factory.check(table, problems);
    }
    return problems.list();
  }
}
