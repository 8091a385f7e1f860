package io.lakestream.core.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.core.decode.AvroFormat;
import io.lakestream.core.decode.JsonFormat;
import io.lakestream.core.record.DataType;
import io.lakestream.core.record.DataType.Primitive;
import io.lakestream.core.record.Field;
import io.lakestream.core.record.Schema;
import io.lakestream.core.spec.ErrorSpec.Policy;
import io.lakestream.core.spec.KafkaSourceSpec.Start;
import io.lakestream.core.spec.SchemaSpec.TimestampFormat;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpecParserTest {

  /** The smallest valid spec; tests add or replace lines. */
  static final String AVRO_RECORD =
      "{\"type\": \"record\", \"name\": \"R\", \"fields\": [{\"name\": \"anything\", \"type\": \"long\"}, {\"name\": \"a\", \"type\": \"long\"}, {\"name\": \"b\", \"type\": [\"null\", \"string\"]}]}";

  static final String MINIMAL =
      """
      pipeline: orders
      source:
        kafka:
          bootstrap-servers: localhost:9092
          topics: [orders]
      schema:
        fields:
          - {name: id, type: long}
      sink:
        test: {table: analytics.orders}
      """;

  /** The problems a spec has, each as "path: message". */
  static List<String> problemsOf(String yaml) {
    try {
      SpecParser.parse(yaml);
    } catch (SpecException e) {
      return e.problems().stream().map(SpecProblem::toString).toList();
    }
    throw new AssertionError("expected the spec to have problems:\n" + yaml);
  }

  @Test
  void aNamedWriterCheckpointsInItsOwnDirectory() {
    PipelineSpec live = SpecParser.parse(MINIMAL + "checkpoint: {dir: /var/lake/orders}\n");
    PipelineSpec backfill =
        SpecParser.parse(MINIMAL + "writer: backfill-1\ncheckpoint: {dir: /var/lake/orders}\n");

    assertThat(live.writerId()).isEqualTo(WriterId.of("orders"));
    assertThat(live.checkpoint().dir()).isEqualTo(Path.of("/var/lake/orders"));
    assertThat(backfill.writerId()).isEqualTo(new WriterId("orders", "backfill-1"));
    assertThat(backfill.checkpoint().dir())
        .isEqualTo(Path.of("/var/lake/orders/writers/backfill-1"));
    assertThat(problemsOf(MINIMAL + "writer: \"two words\"\n"))
        .containsExactly("writer: must be letters, digits, '.', '_' and '-' (got \"two words\")");
  }

  @Test
  void aStatefulPipelineNeedsAKeyGroupPerTask() {
    String keyed =
        MINIMAL
            + """
            parallelism: 8
            state: {key-groups: 4}
            transforms:
              - dedupe: {key: [id], ttl: 1h}
            """;
    String stateless = MINIMAL + "parallelism: 8\nstate: {key-groups: 4}\n";

    assertThat(problemsOf(keyed))
        .containsExactly(
            "state.key-groups: must be at least parallelism (8) in a pipeline with dedupe or window"
                + " steps: each task owns at least one key group (got 4)");
    assertThat(SpecParser.parse(stateless).state().keyGroups()).isEqualTo(4);
    assertThat(problemsOf(MINIMAL + "state: {key-groups: 0}\n"))
        .containsExactly("state.key-groups: must be between 1 and 32768 (got 0)");
  }

  @Test
  void parsesAFullSpecIntoRecords() {
    PipelineSpec spec =
        SpecParser.parse(
            """
            pipeline: orders
            parallelism: 2
            source:
              kafka:
                bootstrap-servers: broker-1:9092,broker-2:9092
                topics: [orders, refunds]
                start: 2024-05-01T02:00:00+02:00
                format: json
                properties:
                  max.poll.records: 500
                  enable.auto.commit: false
                  client.id: lakestream
            schema:
              fields:
                - {name: event_id, type: long, required: true}
                - {name: event_time, type: timestamp, format: epoch-millis}
                - {name: amount, type: "decimal(10,2)"}
                - {name: user_id, type: long}
                - name: customer
                  type: struct
                  fields: [{name: id, type: long}, {name: created, type: timestamp}]
                - {name: tags, type: list, element: string}
                - {name: note, type: string, doc: "free text"}
            transforms:
              - filter: "amount > 0 && customer.id > 0"
              - compute: {name: amount_cents, type: long, expr: "amount * 100"}
              - rename: {user_id: customer_id}
              - cast: {amount: "decimal(12,2)"}
              - project: [event_id, customer_id, amount, amount_cents]
            sink:
              test:
                table: analytics.orders
                options: {a: 1, b: [x, 2.5], c: ~}
            checkpoint: {interval: 5s, dir: state/custom}
            errors: {policy: dead-letter}
            metrics: {port: 9400}
            """);

    Schema customer =
        new Schema(
            List.of(
                Field.optional("id", Primitive.LONG),
                Field.optional("created", Primitive.TIMESTAMP)));
    Schema schema =
        new Schema(
            List.of(
                Field.required("event_id", Primitive.LONG),
                Field.optional("event_time", Primitive.TIMESTAMP),
                Field.optional("amount", new DataType.Decimal(10, 2)),
                Field.optional("user_id", Primitive.LONG),
                Field.optional("customer", new DataType.Struct(customer)),
                Field.optional("tags", new DataType.ListOf(Primitive.STRING, false)),
                new Field("note", Primitive.STRING, false, "free text")));
    PipelineSpec expected =
        new PipelineSpec(
            "orders",
            new KafkaSourceSpec(
                "broker-1:9092,broker-2:9092",
                List.of("orders", "refunds"),
                null,
                new Start(Start.Kind.TIMESTAMP, Instant.parse("2024-05-01T00:00:00Z")),
                new JsonFormat(),
                OptionValues.none(),
                Map.of(
                    "max.poll.records", "500",
                    "enable.auto.commit", "false",
                    "client.id", "lakestream"),
                KafkaSourceSpec.Tombstones.AUTO,
                null,
                Map.of(),
                Map.of()),
            new SchemaSpec(
                schema,
                Map.of(
                    "event_time", TimestampFormat.EPOCH_MILLIS,
                    "customer.created", TimestampFormat.ISO_8601)),
            List.of(
                new TransformSpec.Filter("amount > 0 && customer.id > 0"),
                new TransformSpec.Compute("amount_cents", Primitive.LONG, "amount * 100"),
                new TransformSpec.Rename(Map.of("user_id", "customer_id")),
                new TransformSpec.Cast(Map.of("amount", new DataType.Decimal(12, 2))),
                new TransformSpec.Project(
                    List.of("event_id", "customer_id", "amount", "amount_cents"))),
            new SinkSpec(
                "test",
                "analytics.orders",
                Map.of(
                    "table",
                    "analytics.orders",
                    "options",
                    Map.of("a", 1, "b", List.of("x", 2.5)))),
            new CheckpointSpec(
                Duration.ofSeconds(5),
                Path.of("state", "custom"),
                Duration.ofMinutes(10),
                Duration.ofMinutes(5)),
            new ErrorSpec(Policy.DEAD_LETTER, "analytics.orders_dead_letter"),
            2,
            null,
            new StateSpec(StateSpec.Backend.ROCKSDB, SpecOptions.DEFAULT_KEY_GROUPS),
            WriterId.DEFAULT,
            new MetricsSpec(9400, 3),
            MaintenanceSpec.NONE);
    assertThat(spec).isEqualTo(expected);
  }

  @Test
  void reportsEveryMistakeAtOnceWithItsPath() {
    List<String> problems =
        problemsOf(
            """
            pipeline: "my pipeline"
            parallelism: 0
            sinks: {}
            source:
              kafka:
                bootstrap-servers: localhost
                topicz: [orders]
                start: yesterday
                format: jsn
            schema:
              fields:
                - {name: event_id, type: lnog}
                - {name: amount, type: "decimal(40,2)"}
                - {name: amount, type: string}
                - {name: created, type: string, format: epoch-millis}
                - {name: customer, type: struct}
            transforms:
              - filter: "amount >"
              - filtr: "x"
              - compute: {name: amount_cents, type: long, expr: "amout * 100"}
              - rename: {user_id: customer_id}
              - cast: {amount: "decimal(12,2)", created: money}
              - project: [event_id, nope]
            sink:
              test: {table: analytics.orders, fail: true}
            checkpoint: {interval: 50ms}
            errors: {policy: ignore}
            """);

    assertThat(problems)
        .containsExactly(
            "sinks: unknown key, did you mean \"sink\"? (known: pipeline, writer, parallelism,"
                + " source, schema, event-time, state, transforms, sink, checkpoint, errors,"
                + " metrics, maintenance)",
            "pipeline: must be letters, digits, '.', '_' and '-' (got \"my pipeline\")",
            "parallelism: must be between 1 and 1024 (got 0)",
            "source.kafka.topicz: unknown key, did you mean \"topics\"? (known: bootstrap-servers,"
                + " topics, topic-pattern, start, format, schema-file, properties, tombstones)",
            "source.kafka.bootstrap-servers: must be embedded or host:port pairs separated by"
                + " commas (got \"localhost\")",
            "source.kafka.topics: is required (or give topic-pattern)",
            "source.kafka.start: must be committed, earliest, latest or a timestamp with a zone"
                + " offset such as 2024-05-01T00:00:00Z (got \"yesterday\")",
            "source.kafka.format: unknown format \"jsn\", did you mean \"json\"? (known: avro,"
                + " json)",
            "schema.fields[0].type: unknown type \"lnog\", did you mean \"long\"? (types: boolean,"
                + " int, long, float, double, string, binary, date, timestamp, decimal(p,s),"
                + " struct, list)",
            "schema.fields[1].type: decimal precision must be between 1 and 38"
                + " (got \"decimal(40,2)\")",
            "schema.fields[2].name: duplicate field \"amount\"",
            "schema.fields[3].format: only applies to type timestamp",
            "schema.fields[4].fields: is required for type struct",
            "transforms[0].filter: cannot parse \"amount >\": parsing error in '>' (column 8)",
            "transforms[1].filtr: unknown key, did you mean \"filter\"? (known: filter, compute,"
                + " rename, cast, project, dedupe, window)",
            "transforms[2].compute.expr: unknown field \"amout\", did you mean \"amount\"?"
                + " (fields: event_id, amount, created, customer)",
            "transforms[3].rename.user_id: unknown field \"user_id\" (fields: event_id, amount,"
                + " created, customer, amount_cents)",
            "transforms[4].cast.created: unknown type \"money\" (types: boolean, int, long, float,"
                + " double, string, binary, date, timestamp, decimal(p,s))",
            "transforms[5].project[1]: unknown field \"nope\" (fields: event_id, amount, created,"
                + " customer, amount_cents)",
            "sink.test.fail: the test sink was asked to fail (true)",
            "checkpoint.interval: must be at least 100ms (got \"50ms\")",
            "errors.policy: must be one of fail, dead-letter, skip (got \"ignore\")");
  }

  @Test
  void theExceptionMessageListsEveryProblemOnItsOwnLine() {
    assertThatThrownBy(
            () -> SpecParser.parse(MINIMAL.replace("pipeline: orders\n", "parallelism: x\n")))
        .isInstanceOf(SpecException.class)
        .hasMessage(
            "2 problems in the pipeline spec:\n"
                + "  pipeline: is required\n"
                + "  parallelism: must be a whole number (got \"x\")");
  }

  @Test
  void appliesDefaults() {
    PipelineSpec spec = SpecParser.parse(MINIMAL);

    assertThat(spec.parallelism())
        .isEqualTo(Math.min(1024, Runtime.getRuntime().availableProcessors()));
    assertThat(spec.kafka().start()).isEqualTo(new Start(Start.Kind.EARLIEST, null));
    assertThat(spec.kafka().format()).isEqualTo(new JsonFormat());
    assertThat(spec.kafka().topicPattern()).isNull();
    assertThat(spec.kafka().formatOptions()).isEqualTo(OptionValues.none());
    assertThat(spec.kafka().properties()).isEmpty();
    assertThat(spec.transforms()).isEmpty();
    assertThat(spec.checkpoint())
        .isEqualTo(
            new CheckpointSpec(
                Duration.ofSeconds(10),
                Path.of("state", "orders"),
                Duration.ofMinutes(10),
                Duration.ofMinutes(5)));
    assertThat(spec.errors()).isEqualTo(new ErrorSpec(Policy.FAIL, null));
    assertThat(spec.schema().timestampFormats()).isEmpty();
  }

  @Test
  void emptySectionsCountAsAbsent() {
    PipelineSpec spec = SpecParser.parse(MINIMAL + "checkpoint:\nerrors: ~\ntransforms:\n");

    assertThat(spec.checkpoint().interval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(spec.errors().policy()).isEqualTo(Policy.FAIL);
    assertThat(spec.transforms()).isEmpty();
  }

  @Test
  void reportsMissingRequiredSectionsOnce() {
    // without a source the format is unknown, so whether a schema is needed is too
    assertThat(problemsOf("parallelism: 2\n"))
        .containsExactly("pipeline: is required", "source: is required", "sink: is required");
    assertThat(problemsOf("pipeline: p\nsource: {kafka: {}}\nsink: {test: {}}\n"))
        .containsExactly(
            "source.kafka.bootstrap-servers: is required",
            "source.kafka.topics: is required (or give topic-pattern)",
            "schema: is required for format json",
            "sink.test.table: is required");
  }

  @Test
  void readsTheStartRules() {
    for (String rule : List.of("committed", "earliest", "latest")) {
      PipelineSpec spec =
          SpecParser.parse(
              MINIMAL.replace("topics: [orders]", "topics: [orders]\n    start: " + rule));
      assertThat(spec.kafka().start().kind().name()).isEqualToIgnoringCase(rule);
      assertThat(spec.kafka().start().timestamp()).isNull();
    }
    PipelineSpec at =
        SpecParser.parse(
            MINIMAL.replace(
                "topics: [orders]", "topics: [orders]\n    start: \"2024-05-01T00:00:00Z\""));
    assertThat(at.kafka().start())
        .isEqualTo(new Start(Start.Kind.TIMESTAMP, Instant.parse("2024-05-01T00:00:00Z")));
    assertThat(
            problemsOf(MINIMAL.replace("topics: [orders]", "topics: [orders]\n    start: earlist")))
        .containsExactly(
            "source.kafka.start: must be committed, earliest, latest or a timestamp with a zone"
                + " offset such as 2024-05-01T00:00:00Z; did you mean \"earliest\"? (got \"earlist\")");
    assertThat(
            problemsOf(
                MINIMAL.replace(
                    "topics: [orders]", "topics: [orders]\n    start: 2024-05-01T00:00:00")))
        .containsExactly(
            "source.kafka.start: must be committed, earliest, latest or a timestamp with a zone"
                + " offset such as 2024-05-01T00:00:00Z (got \"2024-05-01T00:00:00\")");
  }

  @Test
  void readsATopicPatternInsteadOfTopics() {
    PipelineSpec spec =
        SpecParser.parse(MINIMAL.replace("topics: [orders]", "topic-pattern: \"orders-.*\""));

    assertThat(spec.kafka().topics()).isEmpty();
    assertThat(spec.kafka().topicPattern()).isEqualTo("orders-.*");
  }

  @Test
  void reportsTopicMistakes() {
    assertThat(
            problemsOf(
                MINIMAL.replace("topics: [orders]", "topics: [orders]\n    topic-pattern: o.*")))
        .containsExactly("source.kafka: give either topics or topic-pattern, not both");
    assertThat(problemsOf(MINIMAL.replace("topics: [orders]", "topic-pattern: \"orders-(.*\"")))
        .containsExactly(
            "source.kafka.topic-pattern: is not a regular expression: Unclosed group near index"
                + " 10 (got \"orders-(.*\")");
    assertThat(problemsOf(MINIMAL.replace("topics: [orders]", "topics: [orders, 5, \"\", orders]")))
        .containsExactly(
            "source.kafka.topics[1]: must be a string (got 5)",
            "source.kafka.topics[2]: must not be empty");
    assertThat(problemsOf(MINIMAL.replace("topics: [orders]", "topics: [orders, refunds, orders]")))
        .containsExactly("source.kafka.topics[2]: duplicate topic \"orders\"");
    assertThat(problemsOf(MINIMAL.replace("topics: [orders]", "topics: orders")))
        .containsExactly("source.kafka.topics: must be a list (got \"orders\")");
    assertThat(problemsOf(MINIMAL.replace("topics: [orders]", "topics: []")))
        .containsExactly("source.kafka.topics: must not be empty");
  }

  @Test
  void acceptsEmbeddedAndBrokerLists() {
    for (String servers : List.of("embedded", "a:1", "a:1, b.example.com:9093", "[::1]:9092")) {
      PipelineSpec spec =
          SpecParser.parse(MINIMAL.replace("localhost:9092", "\"" + servers + "\""));
      assertThat(spec.kafka().bootstrapServers()).isEqualTo(servers);
    }
    assertThat(problemsOf(MINIMAL.replace("localhost:9092", "\"a:1,\"")))
        .containsExactly(
            "source.kafka.bootstrap-servers: must be embedded or host:port pairs separated by"
                + " commas (got \"a:1,\")");
  }

  @Test
  void reportsPropertiesThatAreNotScalars() {
    assertThat(
            problemsOf(
                MINIMAL.replace(
                    "topics: [orders]",
                    "topics: [orders]\n    properties: {a: 1, b: {c: d}, e: [f]}")))
        .containsExactly(
            "source.kafka.properties.b: must be a string, number or boolean (got a map)",
            "source.kafka.properties.e: must be a string, number or boolean (got a list)");
  }

  @Test
  void avroNeedsAnExistingSchemaFileResolvedAgainstTheSpecDirectory(@TempDir Path dir)
      throws Exception {
    Files.writeString(dir.resolve("orders.avsc"), AVRO_RECORD);
    String avro =
        MINIMAL.replace(
            "topics: [orders]", "topics: [orders]\n    format: avro\n    schema-file: orders.avsc");
    Path specFile = dir.resolve("orders.yaml");
    Files.writeString(specFile, avro);

    PipelineSpec spec = SpecParser.parse(specFile);

    assertThat(spec.kafka().format()).isEqualTo(new AvroFormat());
    assertThat(spec.kafka().formatOptions())
        .isEqualTo(OptionValues.of(SpecOptions.SCHEMA_FILE, dir.resolve("orders.avsc").toString()));

    Files.writeString(specFile, avro.replace("orders.avsc", "missing.avsc"));
    assertThatThrownBy(() -> SpecParser.parse(specFile))
        .isInstanceOfSatisfying(
            SpecException.class,
            e ->
                assertThat(e.problems())
                    .containsExactly(
                        new SpecProblem(
                            "source.kafka.schema-file",
                            "file not found: "
                                + dir.resolve("missing.avsc")
                                + " (got \"missing.avsc\")")));
  }

  @Test
  void avroWithoutSchemaFileOrWithJsonIsAProblem() {
    assertThat(
            problemsOf(MINIMAL.replace("topics: [orders]", "topics: [orders]\n    format: avro")))
        .containsExactly("source.kafka.schema-file: is required for format avro");
    assertThat(
            problemsOf(
                MINIMAL.replace("topics: [orders]", "topics: [orders]\n    schema-file: x.avsc")))
        .containsExactly("source.kafka.schema-file: only applies to format avro");
  }

  @Test
  void avroWithoutASchemaSectionTakesItsColumnsFromTheSchemaFile(@TempDir Path dir)
      throws Exception {
    Files.writeString(dir.resolve("orders.avsc"), AVRO_RECORD);
    String yaml =
        """
        pipeline: orders
        source:
          kafka:
            bootstrap-servers: embedded
            topics: [orders]
            format: avro
            schema-file: orders.avsc
        transforms:
          - filter: "anything > 0"
          - project: [a, b]
          - filter: "c > 0"
        sink:
          test: {table: analytics.orders}
        """;
    Path specFile = dir.resolve("orders.yaml");
    Files.writeString(specFile, yaml);
    assertThatThrownBy(() -> SpecParser.parse(specFile))
        .isInstanceOfSatisfying(
            SpecException.class,
            e ->
                assertThat(e.problems())
                    .containsExactly(
                        new SpecProblem(
                            "transforms[2].filter", "unknown field \"c\" (fields: a, b)")));

    Files.writeString(specFile, yaml.replace("c > 0", "a > 0"));
    PipelineSpec spec = SpecParser.parse(specFile);
    assertThat(spec.schema().schema().fields())
        .containsExactly(
            Field.required("anything", DataType.Primitive.LONG),
            Field.required("a", DataType.Primitive.LONG),
            Field.optional("b", DataType.Primitive.STRING));
  }

  @Test
  void anAvroSchemaFileThatIsNotARecordIsAProblem(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("orders.avsc"), "{\"type\": \"string\"}");
    Path specFile = dir.resolve("orders.yaml");
    Files.writeString(
        specFile,
        MINIMAL
            .replace(
                "topics: [orders]",
                "topics: [orders]\n    format: avro\n    schema-file: orders.avsc")
            .replace("schema:\n  fields:\n    - {name: id, type: long}\n", ""));

    assertThatThrownBy(() -> SpecParser.parse(specFile))
        .isInstanceOfSatisfying(
            SpecException.class,
            e ->
                assertThat(e.problems())
                    .containsExactly(
                        new SpecProblem(
                            "source.kafka.schema-file", "must be an Avro record, not STRING")));
  }

  @Test
  void reportsAnUnknownSinkTypeWithTheKnownOnes() {
    assertThat(problemsOf(MINIMAL.replace("test: {table", "tset: {table")))
        .containsExactly(
            "sink.tset: unknown sink type \"tset\", did you mean \"test\"? (known: test)");
    assertThat(
            problemsOf(
                MINIMAL.replace(
                    "test: {table: analytics.orders}", "test: {table: a.b}\n  other: {}")))
        .containsExactly(
            "sink: must be a map with one key, the sink type (known: test; got test, other)");
    assertThat(problemsOf(MINIMAL.replace("  test: {table: analytics.orders}", "  test: iceberg")))
        .containsExactly("sink.test: must be a map (got \"iceberg\")");
    assertThat(problemsOf(MINIMAL.replace("  test: {table: analytics.orders}", "  test:")))
        .containsExactly("sink.test.table: is required");
  }

  @Test
  void mergesTheSinkFactorysProblemsAndReadsTheTable() {
    assertThat(
            problemsOf(MINIMAL.replace("{table: analytics.orders}", "{fail: true, colour: red}")))
        .containsExactly(
            "sink.test.table: is required",
            "sink.test.colour: unknown key (known: table, fail, options)",
            "sink.test.fail: the test sink was asked to fail (true)");
  }

  @Test
  void passesTheSinkSectionAsPlainJavaValues() {
    SpecParser.parse(
        MINIMAL.replace(
            "{table: analytics.orders}",
            "{table: analytics.orders, options: {n: 5, big: 5000000000, f: 0.5, on: true, l: [a]}}"));

    assertThat(TestSinkFactory.lastValidated)
        .isEqualTo(
            Map.of(
                "table",
                "analytics.orders",
                "options",
                Map.of("n", 5, "big", 5_000_000_000L, "f", 0.5, "on", true, "l", List.of("a"))));
  }

  @Test
  void deadLetterTableIsOnlyForTheDeadLetterPolicy() {
    assertThat(
            SpecParser.parse(MINIMAL + "errors: {policy: dead-letter, dead-letter-table: a.dl}\n")
                .errors())
        .isEqualTo(new ErrorSpec(Policy.DEAD_LETTER, "a.dl"));
    assertThat(SpecParser.parse(MINIMAL + "errors: {policy: skip}\n").errors())
        .isEqualTo(new ErrorSpec(Policy.SKIP, null));
    assertThat(problemsOf(MINIMAL + "errors: {dead-letter-table: a.dl}\n"))
        .containsExactly("errors.dead-letter-table: only applies to policy dead-letter");
  }

  @Test
  void aCheckpointDirInObjectStorageKeepsAWorkingCopyOnLocalDisk() {
    CheckpointSpec remote =
        SpecParser.parse(
                MINIMAL
                    + "checkpoint:\n"
                    + "  dir: s3://bucket/ckpt/orders/\n"
                    + "  storage: {s3.endpoint: \"http://127.0.0.1:9000\", s3.path-style-access:"
                    + " true}\n")
            .checkpoint();
    CheckpointSpec local =
        SpecParser.parse(MINIMAL + "checkpoint: {dir: s3://b/c, local-dir: /data/work}\n")
            .checkpoint();

    assertThat(remote.remote()).isEqualTo(URI.create("s3://bucket/ckpt/orders"));
    assertThat(remote.dir()).isEqualTo(Path.of("state", "orders"));
    assertThat(remote.storage())
        .isEqualTo(Map.of("s3.endpoint", "http://127.0.0.1:9000", "s3.path-style-access", "true"));
    assertThat(local.dir()).isEqualTo(Path.of("/data/work"));
    assertThat(SpecParser.parse(MINIMAL).checkpoint().remote()).isNull();
    assertThat(problemsOf(MINIMAL + "checkpoint: {dir: /data/c, local-dir: /x, storage: {a: b}}\n"))
        .containsExactly(
            "checkpoint.local-dir: applies only to a dir in object storage (dir is a local path)",
            "checkpoint.storage: applies only to a dir in object storage (dir is a local path)");
  }

  @Test
  void reportsCheckpointMistakes() {
    assertThat(problemsOf(MINIMAL + "checkpoint: {interval: 10, dir: 5, every: 1s}\n"))
        .containsExactly(
            "checkpoint.every: unknown key (known: interval, dir, local-dir, storage, timeout,"
                + " retry-timeout)",
            "checkpoint.interval: must be a duration such as 500ms, 10s, 5m, 1h, 1d or PT10S"
                + " (got 10)",
            "checkpoint.dir: must be a string (got 5)");
    assertThat(SpecParser.parse(MINIMAL + "checkpoint: {interval: PT1M}\n").checkpoint().interval())
        .isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void readsTheMetricsSectionAndReportsItsMistakes() {
    assertThat(SpecParser.parse(MINIMAL).metrics()).isEqualTo(new MetricsSpec(null, 3));
    assertThat(SpecParser.parse(MINIMAL + "metrics: {port: 9400, ready-intervals: 5}\n").metrics())
        .isEqualTo(new MetricsSpec(9400, 5));
    assertThat(problemsOf(MINIMAL + "metrics: {port: 70000, ready-intervals: 0, path: /m}\n"))
        .containsExactly(
            "metrics.path: unknown key (known: port, ready-intervals)",
            "metrics.port: must be between 1 and 65535 (got 70000)",
            "metrics.ready-intervals: must be between 1 and 1000 (got 0)");
  }

  @Test
  void suggestsKeysWrittenWithOtherSeparators() {
    assertThat(problemsOf(MINIMAL.replace("bootstrap-servers", "bootstrap.servers")))
        .containsExactly(
            "source.kafka.bootstrap.servers: unknown key, did you mean \"bootstrap-servers\"?"
                + " (known: bootstrap-servers, topics, topic-pattern, start, format, schema-file,"
                + " properties, tombstones)",
            "source.kafka.bootstrap-servers: is required");
  }

  @Test
  void reportsASectionThatIsNotAMapOnce() {
    assertThat(problemsOf(MINIMAL.replace("  kafka:\n", "  kafka: [x]\n  old:\n")))
        .contains("source.kafka: must be a map (got a list)");
    assertThat(problemsOf(MINIMAL + "checkpoint: 10s\n"))
        .containsExactly("checkpoint: must be a map (got \"10s\")");
  }

  @Test
  void reportsYamlSyntaxErrorsWithLineAndColumn() {
    assertThat(problemsOf("pipeline: orders\nsource: {kafka: [1\nsink: x\n"))
        .singleElement()
        .asString()
        .startsWith("spec: YAML syntax error at line 3, column 5: ")
        .contains("(while parsing a flow sequence at line 2, column 17)");
    assertThat(problemsOf("pipeline: a: b\n"))
        .containsExactly(
            "spec: YAML syntax error at line 1, column 12: mapping values are not allowed here");
  }

  @Test
  void reportsDuplicateKeysWithTheirPath() {
    assertThat(problemsOf("pipeline: a\nsource:\n  kafka:\n    topics: [a]\n    topics: [b]\n"))
        .containsExactly("source.kafka.topics: duplicate key at line 5");
    assertThat(problemsOf("pipeline: a\npipeline: b\n"))
        .containsExactly("pipeline: duplicate key at line 2");
    assertThat(problemsOf("transforms:\n  - {filter: a, filter: b}\n"))
        .containsExactly("transforms[0].filter: duplicate key at line 2");
  }

  @Test
  void reportsEmptyAndMultiDocumentSpecs() {
    assertThat(problemsOf("")).containsExactly("spec: is empty");
    assertThat(problemsOf("# nothing here\n")).containsExactly("spec: is empty");
    assertThat(problemsOf("- a\n- b\n"))
        .containsExactly("spec: must be a map of sections (got a list)");
    assertThat(problemsOf(MINIMAL + "---\npipeline: other\n"))
        .containsExactly("spec: must be one YAML document (found another at line 12)");
  }

  @Test
  void aMissingSpecFileIsOneProblem(@TempDir Path dir) {
    Path missing = dir.resolve("nope.yaml");
    assertThatThrownBy(() -> SpecParser.parse(missing))
        .isInstanceOf(SpecException.class)
        .hasMessage("1 problem in the pipeline spec:\n  " + missing + ": spec file not found");
  }

  @Test
  void aDirectoryGivenAsTheSpecIsOneProblemInWords(@TempDir Path dir) {
    assertThatThrownBy(() -> SpecParser.parse(dir))
        .isInstanceOf(SpecException.class)
        .hasMessage("1 problem in the pipeline spec:\n  " + dir + ": is a directory, not a file");
  }
}
