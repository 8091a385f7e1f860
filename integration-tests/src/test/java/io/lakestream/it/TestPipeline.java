package io.lakestream.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A test pipeline over the sample events: its spec file, warehouse and checkpoint directory, all
 * below one temporary directory.
 *
 * @param dir the test's directory
 * @param pipelineId the pipeline id
 * @param servers the broker
 * @param topic the source topic
 * @param stateDir the checkpoint directory
 * @param policy the error policy: fail, dead-letter or skip
 * @param checkpointInterval e.g. {@code 500ms}
 * @param partitionBy the table's partition transforms, as a YAML list
 * @param catalog the catalog section's connection properties: {@code uri}, and {@code jdbc.user}
 *     and {@code jdbc.password} where the database asks for them, for a JDBC catalog whose
 *     warehouse is {@link #warehouse} unless a {@code warehouse} (and the {@code s3.} properties
 *     for one on object storage) is given; or, with a {@code type}, the whole section (another kind
 *     of catalog, which decides where table files go)
 */
record TestPipeline(
    Path dir,
    String pipelineId,
    String servers,
    String topic,
    Path stateDir,
    String policy,
    String checkpointInterval,
    String partitionBy,
    Map<String, String> catalog) {

  static final String TABLE = "it.events";
  static final String DEAD_LETTER_TABLE = "it.events_dead_letter";

  static TestPipeline of(Path dir, String servers, String topic) {
    return new TestPipeline(
        dir,
        "it-" + topic,
        servers,
        topic,
        dir.resolve("state"),
        "fail",
        "500ms",
        "[\"day(event_time)\", \"bucket(4, user_id)\"]",
        Map.of("uri", "jdbc:sqlite:" + dir.resolve("warehouse").toAbsolutePath() + "/catalog.db"));
  }

  TestPipeline withPolicy(String newPolicy) {
    return new TestPipeline(
        dir,
        pipelineId,
        servers,
        topic,
        stateDir,
        newPolicy,
        checkpointInterval,
        partitionBy,
        catalog);
  }

  TestPipeline withStateDir(Path newStateDir) {
    return new TestPipeline(
        dir,
        pipelineId,
        servers,
        topic,
        newStateDir,
        policy,
        checkpointInterval,
        partitionBy,
        catalog);
  }

  TestPipeline withCheckpointInterval(String newInterval) {
    return new TestPipeline(
        dir, pipelineId, servers, topic, stateDir, policy, newInterval, partitionBy, catalog);
  }

  TestPipeline withPartitionBy(String newPartitionBy) {
    return new TestPipeline(
        dir,
        pipelineId,
        servers,
        topic,
        stateDir,
        policy,
        checkpointInterval,
        newPartitionBy,
        catalog);
  }

  /** The same pipeline with its catalog in another database: see {@link #catalog}. */
  TestPipeline withCatalog(Map<String, String> newCatalog) {
    return new TestPipeline(
        dir,
        pipelineId,
        servers,
        topic,
        stateDir,
        policy,
        checkpointInterval,
        partitionBy,
        newCatalog);
  }

  Path warehouse() {
    return dir.resolve("warehouse").toAbsolutePath();
  }

  String catalogUri() {
    return catalog.get("uri");
  }

  /**
   * Writes the spec file and returns its path.
   *
   * @param insertions extra spec lines, each {@code "ANCHOR => LINES"}: {@code LINES} go on lines
   *     of their own right after the first {@code ANCHOR} in the spec, which ends a line
   */
  Path writeSpec(String... insertions) {
    String yaml =
        String.join(
            "\n",
            "pipeline: " + pipelineId,
            "parallelism: 2",
            "source:",
            "  kafka:",
            "    bootstrap-servers: \"" + servers + "\"",
            "    topics: [" + topic + "]",
            "    start: earliest",
            "schema:",
            "  fields:",
            "    - {name: event_id, type: long, required: true}",
            "    - {name: user_id, type: long}",
            "    - {name: item_id, type: long}",
            "    - {name: amount, type: \"decimal(10,2)\"}",
            "    - {name: category, type: string}",
            "    - {name: event_time, type: timestamp, format: epoch-millis}",
            "    - {name: payload, type: string}",
            "sink:",
            "  iceberg:",
            "    catalog:",
            catalog.containsKey("type")
                ? ""
                : "      type: jdbc"
                    + (catalog.containsKey("warehouse")
                        ? ""
                        : "\n      warehouse: \"" + warehouse() + "\""),
            catalog.entrySet().stream()
                .map(e -> "      " + e.getKey() + ": \"" + e.getValue() + "\"")
                .sorted()
                .collect(Collectors.joining("\n")),
            "    table: " + TABLE,
            "    partition-by: " + partitionBy,
            "checkpoint: {interval: "
                + checkpointInterval
                + ", dir: \""
                + stateDir.toAbsolutePath()
                + "\"}",
            policy.equals("dead-letter")
                ? "errors: {policy: dead-letter, dead-letter-table: " + DEAD_LETTER_TABLE + "}"
                : "errors: {policy: " + policy + "}",
            "");
    for (String insertion : insertions) {
      String[] anchorAndLines = insertion.split(" => ", 2);
      yaml =
          yaml.replaceFirst(
              java.util.regex.Pattern.quote(anchorAndLines[0]),
              java.util.regex.Matcher.quoteReplacement(
                  anchorAndLines[0] + "\n" + anchorAndLines[1]));
    }
    try {
      Files.createDirectories(dir);
      Path spec = dir.resolve(pipelineId + ".yaml");
      Files.writeString(spec, yaml);
      return spec;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
