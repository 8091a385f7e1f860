package io.lakestream.core.spec;

import java.util.ArrayList;
import java.util.List;

/** Collects every problem found in a spec, so that a user sees them all at once. */
public final class Problems {
  private final List<SpecProblem> problems = new ArrayList<>();

  /**
   * Records that the value at {@code path} is wrong, e.g. {@code ("sink.iceberg.table", "is
   * required")}.
   */
  public void add(String path, String message) {
    problems.add(new SpecProblem(path, message));
  }

  public boolean isEmpty() {
    return problems.isEmpty();
  }

  public List<SpecProblem> list() {
    return List.copyOf(problems);
  }

  /** Throws a {@link SpecException} listing every problem, if there is any. */
  public void throwIfAny() {
    if (!problems.isEmpty()) {
      throw new SpecException(list());
    }
  }
}
