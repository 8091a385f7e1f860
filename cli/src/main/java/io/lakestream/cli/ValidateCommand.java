package io.lakestream.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakestream.core.runtime.PipelineChecks;
import io.lakestream.core.spec.PipelineSpec;
import io.lakestream.core.spec.SpecException;
import io.lakestream.core.spec.SpecProblem;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "validate",
    description = {
      "Check pipeline specs without running them: everything run checks before it reads a"
          + " record, without connecting to anything.",
      "Lists every problem of every spec at once, each with its path; exits 2 if any spec has one."
    })
final class ValidateCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec command;

  @Parameters(paramLabel = "SPEC", arity = "1..*", description = "Pipeline specs (YAML).")
  List<Path> specs;

  @Option(
      names = "--json",
      description =
          "Print one JSON object: {\"valid\": ..., \"files\": [{\"file\", \"valid\", \"problems\":"
              + " [{\"path\", \"message\"}]}]}.")
  boolean json;

  @Override
  public Integer call() {
    PrintWriter out = command.commandLine().getOut();
    PrintWriter err = command.commandLine().getErr();
    ObjectNode result = new ObjectMapper().createObjectNode();
    result.put("valid", true); // first in the output; set below
    ArrayNode files = result.putArray("files");
    boolean allValid = true;
    for (Path spec : specs) {
      List<SpecProblem> problems;
      PipelineSpec parsed = null;
      try {
        parsed = PipelineChecks.parse(spec);
        problems = List.of();
      } catch (SpecException e) {
        problems = e.problems();
      }
      allValid &= problems.isEmpty();
      if (json) {
        ObjectNode file = files.addObject();
        file.put("file", spec.toString());
        file.put("valid", problems.isEmpty());
        ArrayNode list = file.putArray("problems");
        for (SpecProblem p : problems) {
          list.addObject().put("path", p.path()).put("message", UserMessages.clean(p.message()));
        }
      } else if (problems.isEmpty()) {
        out.println(spec + " is valid: " + UserMessages.clean(summary(parsed)));
      } else {
        err.println(
            spec
                + " is invalid: "
                + problems.size()
                + (problems.size() == 1 ? " problem" : " problems"));
        problems.forEach(p -> err.println("  " + UserMessages.clean(p.toString())));
      }
    }
    if (json) {
      result.put("valid", allValid);
      out.println(result.toPrettyString());
    }
    return allValid ? 0 : Lakestream.EXIT_INVALID;
  }

  private static String summary(PipelineSpec p) {
    return String.format(
        "pipeline %s reads %s, applies %d transforms, writes %s table %s%s",
        p.pipeline(),
        p.source().summary(),
        p.transforms().size(),
        p.sink().type(),
        p.sink().table(),
        p.errors().deadLetterTable() == null
            ? ""
            : " (dead letters: " + p.errors().deadLetterTable() + ")");
  }
}
