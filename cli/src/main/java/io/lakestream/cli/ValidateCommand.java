package io.lakestream.cli;

import io.lakestream.core.runtime.PipelineChecks;
import io.lakestream.core.spec.KafkaSourceSpec;
import io.lakestream.core.spec.PipelineSpec;
import io.lakestream.core.spec.PostgresSourceSpec;
import io.lakestream.core.spec.SpecOption;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "validate",
    description = {
      "Check a pipeline spec without running it.",
      "Lists every problem at once, each with its path; exits 2 if there is any."
    })
final class ValidateCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec command;

  @Parameters(paramLabel = "SPEC", description = "The pipeline spec (YAML).")
  Path spec;

  @Override
  public Integer call() {
    PipelineSpec p = PipelineChecks.parse(spec);
    String source;
    if (p.source() instanceof PostgresSourceSpec pg) {
      source =
          "the changes of "
              + String.join(", ", pg.tables())
              + " from "
              + pg.url()
              + " (slot "
              + pg.slot()
              + ")";
    } else {
      KafkaSourceSpec k = p.kafka();
      source =
          (k.topicPattern() != null
                  ? "topics matching " + k.topicPattern()
                  : "topics " + String.join(", ", k.topics()))
              + " from "
              + k.bootstrapServers()
              + " ("
              + SpecOption.choiceName(k.format())
              + ")";
    }
    command
        .commandLine()
        .getOut()
        .printf(
            "%s is valid: pipeline %s reads %s, applies %d transforms, writes %s table %s%s%n",
            spec,
            p.pipeline(),
            source,
            p.transforms().size(),
            p.sink().type(),
            p.sink().table(),
            p.errors().deadLetterTable() == null
                ? ""
                : " (dead letters: " + p.errors().deadLetterTable() + ")");
    return 0;
  }
}
