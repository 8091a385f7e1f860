package io.lakestream.core.spec;

import java.util.List;
import java.util.stream.Collectors;

/** A spec has one or more mistakes; the message lists them all, one per line. */
public class SpecException extends RuntimeException {
  private final List<SpecProblem> problems;

  public SpecException(List<SpecProblem> problems) {
    super(
        problems.size()
            + (problems.size() == 1 ? " problem" : " problems")
            + " in the pipeline spec:\n"
            + problems.stream().map(p -> "  " + p).collect(Collectors.joining("\n")));
    this.problems = List.copyOf(problems);
  }

  public List<SpecProblem> problems() {
    return problems;
  }
}
