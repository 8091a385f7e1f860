package io.lakestream.core.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReferencesTest {
  @TempDir Path dir;

  private static PipelineSpec parse(String yaml, Map<String, String> env) {
    return SpecParser.parse(yaml, References.environment(env));
  }

  private static List<String> problemsOf(String yaml, Map<String, String> env) {
    try {
      parse(yaml, env);
    } catch (SpecException e) {
      return e.problems().stream().map(SpecProblem::toString).toList();
    }
    throw new AssertionError("expected the spec to have problems:\n" + yaml);
  }

  private static String spec(String bootstrap, String topics, String extra) {
    return SpecParserTest.MINIMAL
            .replace("localhost:9092", bootstrap)
            .replace("topics: [orders]", "topics: " + topics)
        + extra;
  }

  @Test
  void resolvesVariablesDefaultsAndSeveralReferencesInOneValue() {
    PipelineSpec spec =
        parse(
            spec(
                "${env:KAFKA_HOST}:${env:KAFKA_PORT:-9092}",
                "[\"${env:TOPIC_PREFIX:-raw}-orders\", \"${env:EMPTY:-fallback}\"]",
                "parallelism: ${env:TASKS:-3}\n"),
            Map.of("KAFKA_HOST", "kafka-host-from-env", "EMPTY", ""));

    assertThat(spec.kafka().bootstrapServers()).isEqualTo("kafka-host-from-env:9092");
    assertThat(spec.kafka().topics()).containsExactly("raw-orders", "fallback");
    assertThat(spec.parallelism()).isEqualTo(3);
  }

  @Test
  void readsNumbersAndBooleansFromTheirText() {
    PipelineSpec spec =
        parse(
            SpecParserTest.MINIMAL.replace(
                    "{name: id, type: long}", "{name: id, type: long, required: \"${env:REQ}\"}")
                + "parallelism: ${env:TASKS}\n",
            Map.of("TASKS", "7", "REQ", "true"));

    assertThat(spec.parallelism()).isEqualTo(7);
    assertThat(spec.schema().schema().fields().get(0).required()).isTrue();
  }

  @Test
  void readsFilesWithoutTheirFinalLineBreakRelativeToTheSpec() throws Exception {
    Files.writeString(dir.resolve("host"), "broker-from-file:9093\n");
    Path spec = dir.resolve("spec.yaml");
    Files.writeString(spec, spec("${file:host}", "[\"${file:" + dir.resolve("host") + "}\"]", ""));

    PipelineSpec parsed = SpecParser.parse(spec);

    assertThat(parsed.kafka().bootstrapServers()).isEqualTo("broker-from-file:9093");
    assertThat(parsed.kafka().topics()).containsExactly("broker-from-file:9093");
  }

  @Test
  void aDoubleDollarIsALiteralReference() {
    PipelineSpec spec =
        parse(spec("localhost:9092", "[\"a$${env:X}b\", \"$$x\"]", ""), Map.of("X", "no"));

    assertThat(spec.kafka().topics()).containsExactly("a${env:X}b", "$$x");
  }

  @Test
  void reportsEveryUnresolvedReferenceWithItsPathAndNothingElseAboutThoseValues() {
    String yaml =
        spec(
                "${env:KAFKA_BOOTSTRAP}",
                "[ok, \"${file:"
                    + dir.resolve("missing")
                    + "}\", \"${vault:x}\", \"${env:bad-name}\"]",
                "parallelism: ${env:TASKS}\ncheckpoint:\n  interval: ${file:" + dir + "}\n")
            .replace("pipeline: orders", "pipeline: \"${env:OPEN\"\nstate: {backend: disk}");

    assertThat(problemsOf(yaml, Map.of()))
        .containsExactly(
            "pipeline: a reference starts at \"${env:OPEN\" but has no closing }; write $${ for a"
                + " literal ${",
            "source.kafka.bootstrap-servers: cannot resolve ${env:KAFKA_BOOTSTRAP}: the"
                + " environment variable KAFKA_BOOTSTRAP is not set (set it, or give a default:"
                + " ${env:KAFKA_BOOTSTRAP:-default})",
            "source.kafka.topics[1]: cannot resolve ${file:"
                + dir.resolve("missing")
                + "}: file not found: "
                + dir.resolve("missing"),
            "source.kafka.topics[2]: unknown reference ${vault:x}: use ${env:NAME},"
                + " ${env:NAME:-default} or ${file:PATH} (write $${ for a literal ${)",
            "source.kafka.topics[3]: cannot resolve ${env:bad-name}: \"bad-name\" is not an"
                + " environment variable name (letters, digits and _, not starting with a digit)",
            "parallelism: cannot resolve ${env:TASKS}: the environment variable TASKS is not set"
                + " (set it, or give a default: ${env:TASKS:-default})",
            "checkpoint.interval: cannot resolve ${file:"
                + dir
                + "}: "
                + dir
                + " is a directory, not a file",
            "state.backend: must be one of rocksdb, memory (got \"disk\")");
  }

  @Test
  void problemsShowTheReferenceNotTheValue() {
    List<String> problems =
        problemsOf(SpecParserTest.MINIMAL + "parallelism: ${env:TASKS}\n", Map.of("TASKS", "5099"));

    assertThat(problems)
        .containsExactly("parallelism: must be between 1 and 1024 (got the value of ${env:TASKS})");
  }

  @Test
  void printedTextShowsTheReferenceInsteadOfAResolvedValue() {
    String secret = "pw-" + System.nanoTime();
    PipelineSpec spec =
        parse(
            spec("localhost:9092", "[orders]", "")
                .replace(
                    "topics: [orders]",
                    "topics: [orders]\n    properties: {ssl.truststore.location: \"/x/${env:PW}\"}"),
            Map.of("PW", secret));

    String leaked = "connect failed: truststore /x/" + secret + " is unreadable";
    assertThat(spec.kafka().properties()).containsEntry("ssl.truststore.location", "/x/" + secret);
    assertThat(Secrets.maskText(leaked))
        .isEqualTo("connect failed: truststore /x/${env:PW} is unreadable");
  }

  @Test
  void aDefaultIsWrittenInTheSpecSoItIsNotHidden() {
    String host = "default-host-" + System.nanoTime() + ":9092";
    parse(spec("${env:UNSET_HOST:-" + host + "}", "[orders]", ""), Map.of());

    assertThat(Secrets.maskText("cannot reach " + host)).isEqualTo("cannot reach " + host);
  }

  @Test
  void aValueWithoutReferencesIsUnchanged() {
    assertThatThrownBy(() -> parse(SpecParserTest.MINIMAL + "parallelism: \"5\"\n", Map.of()))
        .isInstanceOf(SpecException.class)
        .hasMessageContaining("parallelism: must be a whole number (got \"5\")");
  }
}
