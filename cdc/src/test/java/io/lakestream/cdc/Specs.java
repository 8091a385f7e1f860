package io.lakestream.cdc;

import io.lakestream.core.spec.SpecException;
import io.lakestream.core.spec.SpecParser;
import io.lakestream.core.spec.SpecProblem;
import java.util.List;

/** Helpers for this module's spec tests. */
public final class Specs {
  private Specs() {}

  /** The problems a spec has, each as "path: message". */
  public static List<String> problemsOf(String yaml) {
    try {
      SpecParser.parse(yaml);
    } catch (SpecException e) {
      return e.problems().stream().map(SpecProblem::toString).toList();
    }
    throw new AssertionError("expected the spec to have problems:\n" + yaml);
  }
}
