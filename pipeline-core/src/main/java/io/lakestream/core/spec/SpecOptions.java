package io.lakestream.core.spec;

import io.lakestream.core.spec.ErrorSpec.Policy;
import io.lakestream.core.spec.KafkaSourceSpec.Format;
import io.lakestream.core.spec.KafkaSourceSpec.Start;
import io.lakestream.core.spec.SchemaSpec.TimestampFormat;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Every key of a pipeline spec outside {@code sink.<type>}, declared once: {@link SpecParser} takes
 * defaults, required keys and known-key lists from here, and {@link SpecReference} renders the spec
 * reference from here. Sink types declare their own options in their modules.
 */
public final class SpecOptions {
  private SpecOptions() {}

  // ---- top level

  public static final SpecOption<String> PIPELINE =
      SpecOption.key("pipeline")
          .stringType()
          .required()
          .withDescription(
              "The pipeline's id: letters, digits, `.`, `_` and `-`. It is recorded in every table"
                  + " commit, so two pipelines writing one table need different ids.");

  public static final SpecOption<Integer> PARALLELISM =
      SpecOption.key("parallelism")
          .intType()
          .computedDefault("number of CPU cores")
          .withDescription("How many tasks read and write in parallel, 1 to 1024.");

  public static final SpecOption<Object> SOURCE =
      SpecOption.key("source")
          .type("section")
          .required()
          .withDescription("Where records come from: one key, the source type (`kafka`).");

  public static final SpecOption<Object> SCHEMA =
      SpecOption.key("schema")
          .type("section")
          .withDescription(
              "The fields of a decoded record. Required for `format: json`; for `format: avro`"
                  + " the Avro schema is used when it is absent.");

  public static final SpecOption<Object> TRANSFORMS =
      SpecOption.key("transforms")
          .type("list")
          .withDescription("Steps applied in order to every record.");

  public static final SpecOption<Object> SINK =
      SpecOption.key("sink")
          .type("section")
          .required()
          .withDescription(
              "Where rows land: one key, the sink type (e.g. `iceberg`), holding that sink's"
                  + " options.");

  public static final SpecOption<Object> CHECKPOINT =
      SpecOption.key("checkpoint")
          .type("section")
          .withDescription("How often and where the pipeline checkpoints.");

  public static final SpecOption<Object> ERRORS =
      SpecOption.key("errors")
          .type("section")
          .withDescription("What happens to a record that cannot be decoded or converted.");

  public static final List<SpecOption<?>> TOP_LEVEL_OPTIONS =
      List.of(PIPELINE, PARALLELISM, SOURCE, SCHEMA, TRANSFORMS, SINK, CHECKPOINT, ERRORS);

  // ---- source

  public static final SpecOption<Object> KAFKA =
      SpecOption.key("kafka")
          .type("section")
          .required()
          .withDescription("Read records from Kafka topics.");

  public static final List<SpecOption<?>> SOURCE_OPTIONS = List.of(KAFKA);

  // ---- source.kafka

  public static final SpecOption<String> BOOTSTRAP_SERVERS =
      SpecOption.key("bootstrap-servers")
          .stringType()
          .required()
          .withDescription(
              "Comma-separated `host:port` list of Kafka brokers, or `embedded` for a broker"
                  + " started inside the process (for trying things out).");

  public static final SpecOption<List<String>> TOPICS =
      SpecOption.key("topics")
          .stringListType()
          .withDescription("The topics to read. Give either `topics` or `topic-pattern`.");

  public static final SpecOption<String> TOPIC_PATTERN =
      SpecOption.key("topic-pattern")
          .stringType()
          .withDescription(
              "A Java regular expression; every topic whose whole name matches is read. Give"
                  + " either `topics` or `topic-pattern`.");

  public static final SpecOption<Start> START =
      SpecOption.key("start")
          .<Start>type("`committed` \\| `earliest` \\| `latest` \\| ISO-8601 timestamp")
          .defaultValue(new Start(Start.Kind.EARLIEST, null), "earliest")
          .withDescription(
              "Where to begin reading a partition for which neither a checkpoint nor the table"
                  + " records a position: the consumer group's committed offset, the earliest or"
                  + " latest offset, or the first record at or after a time with a zone offset,"
                  + " such as `2024-05-01T00:00:00Z`.");

  public static final SpecOption<Format> FORMAT =
      SpecOption.key("format")
          .enumType(Format.class)
          .defaultValue(Format.JSON)
          .withDescription("How record values are encoded. `avro` needs `schema-file`.");

  public static final SpecOption<String> SCHEMA_FILE =
      SpecOption.key("schema-file")
          .<String>type("path")
          .withDescription(
              "For `format: avro`: the Avro writer schema (`.avsc`). A relative path is resolved"
                  + " against the directory of the spec file. The file must exist.");

  public static final SpecOption<Map<String, String>> PROPERTIES =
      SpecOption.key("properties")
          .stringMapType()
          .withDescription(
              "Passed to the Kafka consumer as they are, e.g. `security.protocol: SSL`; numbers"
                  + " and booleans are turned into strings.");

  public static final List<SpecOption<?>> KAFKA_OPTIONS =
      List.of(BOOTSTRAP_SERVERS, TOPICS, TOPIC_PATTERN, START, FORMAT, SCHEMA_FILE, PROPERTIES);

  // ---- schema

  public static final SpecOption<Object> FIELDS =
      SpecOption.key("fields")
          .type("list of fields")
          .required()
          .withDescription("The fields of a decoded record, in order; each is a field map.");

  public static final List<SpecOption<?>> SCHEMA_OPTIONS = List.of(FIELDS);

  // ---- one field (schema.fields[i], and the fields of a struct)

  public static final SpecOption<String> FIELD_NAME =
      SpecOption.key("name")
          .stringType()
          .required()
          .withDescription(
              "Letters, digits and `_`, not starting with a digit, so that expressions can name"
                  + " it; unique among its siblings.");

  public static final SpecOption<String> FIELD_TYPE =
      SpecOption.key("type").stringType().required().withDescription("One of the types below.");

  public static final SpecOption<Boolean> FIELD_REQUIRED =
      SpecOption.key("required")
          .booleanType()
          .defaultValue(false)
          .withDescription(
              "Whether every record has a value; a record without one follows the error policy.");

  public static final SpecOption<TimestampFormat> FIELD_FORMAT =
      SpecOption.key("format")
          .enumType(TimestampFormat.class)
          .defaultValue(TimestampFormat.ISO_8601)
          .withDescription("Only for `timestamp`: how the input writes the time.");

  public static final SpecOption<String> FIELD_DOC =
      SpecOption.key("doc")
          .stringType()
          .withDescription("Free text, carried into the table schema.");

  public static final SpecOption<Object> FIELD_FIELDS =
      SpecOption.key("fields")
          .type("list of fields")
          .withDescription("Only and always for `struct`: the nested fields.");

  public static final SpecOption<Object> FIELD_ELEMENT =
      SpecOption.key("element")
          .type("type or element map")
          .withDescription(
              "Only and always for `list`: the element type, either a type name or an element"
                  + " map.");

  public static final List<SpecOption<?>> FIELD_OPTIONS =
      List.of(
          FIELD_NAME,
          FIELD_TYPE,
          FIELD_REQUIRED,
          FIELD_FORMAT,
          FIELD_DOC,
          FIELD_FIELDS,
          FIELD_ELEMENT);

  // ---- a list element written as a map (element: {type: struct, fields: [...]})

  public static final SpecOption<Boolean> ELEMENT_REQUIRED =
      SpecOption.key("required")
          .booleanType()
          .defaultValue(false)
          .withDescription("Whether every element has a value (no nulls in the list).");

  public static final List<SpecOption<?>> ELEMENT_OPTIONS =
      List.of(FIELD_TYPE, ELEMENT_REQUIRED, FIELD_FORMAT, FIELD_FIELDS, FIELD_ELEMENT);

  // ---- transforms[i]: each step is a map with one of these keys

  public static final SpecOption<String> FILTER =
      SpecOption.key("filter")
          .<String>type("expression")
          .withDescription("Keeps the records for which the expression is true: `amount > 0`.");

  public static final SpecOption<Object> COMPUTE =
      SpecOption.key("compute")
          .type("compute map")
          .withDescription(
              "Adds a column computed from an expression:"
                  + " `{name: cents, type: long, expr: \"amount * 100\"}`.");

  public static final SpecOption<Map<String, String>> RENAME =
      SpecOption.key("rename")
          .stringMapType()
          .withDescription("Renames columns, old name to new name: `{user_id: customer_id}`.");

  public static final SpecOption<Map<String, String>> CAST =
      SpecOption.key("cast")
          .<Map<String, String>>type("map of types")
          .withDescription(
              "Changes the types of columns, name to a primitive or decimal type:"
                  + " `{amount: \"decimal(12,2)\"}`.");

  public static final SpecOption<List<String>> PROJECT =
      SpecOption.key("project")
          .stringListType()
          .withDescription("Keeps only the listed columns, in that order: `[event_id, amount]`.");

  public static final List<SpecOption<?>> TRANSFORM_OPTIONS =
      List.of(FILTER, COMPUTE, RENAME, CAST, PROJECT);

  // ---- transforms[i].compute

  public static final SpecOption<String> COMPUTE_NAME =
      SpecOption.key("name")
          .stringType()
          .required()
          .withDescription("The new column's name; no column of that name may exist yet.");

  public static final SpecOption<String> COMPUTE_TYPE =
      SpecOption.key("type")
          .stringType()
          .required()
          .withDescription("The new column's type: a primitive or decimal type.");

  public static final SpecOption<String> COMPUTE_EXPR =
      SpecOption.key("expr")
          .<String>type("expression")
          .required()
          .withDescription("The expression whose value the column takes: `amount * 100`.");

  public static final List<SpecOption<?>> COMPUTE_OPTIONS =
      List.of(COMPUTE_NAME, COMPUTE_TYPE, COMPUTE_EXPR);

  // ---- sink.<type>: the one key every sink type has; the rest belongs to the sink type

  public static final SpecOption<String> SINK_TABLE =
      SpecOption.key("table")
          .stringType()
          .required()
          .withDescription("The output table, fully qualified: `namespace.name`.");

  // ---- checkpoint

  /** The shortest checkpoint interval a spec may ask for. */
  public static final Duration MIN_CHECKPOINT_INTERVAL = Duration.ofMillis(100);

  public static final SpecOption<Duration> CHECKPOINT_INTERVAL =
      SpecOption.key("interval")
          .durationType()
          .defaultValue(Duration.ofSeconds(10))
          .withDescription(
              "Time between checkpoints, at least "
                  + Units.formatDuration(MIN_CHECKPOINT_INTERVAL)
                  + ". Every checkpoint is one commit per table, so this is also how long rows"
                  + " take to become visible.");

  public static final SpecOption<String> CHECKPOINT_DIR =
      SpecOption.key("dir")
          .<String>type("path")
          .computedDefault("`state/<pipeline>`")
          .withDescription(
              "Where checkpoints are persisted; a relative path is relative to the working"
                  + " directory of the process.");

  public static final List<SpecOption<?>> CHECKPOINT_OPTIONS =
      List.of(CHECKPOINT_INTERVAL, CHECKPOINT_DIR);

  // ---- errors

  public static final SpecOption<Policy> ERROR_POLICY =
      SpecOption.key("policy")
          .enumType(Policy.class)
          .defaultValue(Policy.FAIL)
          .withDescription(
              "What happens to a record that cannot be decoded or converted: stop the pipeline"
                  + " naming the record's topic, partition and offset; write it to the"
                  + " dead-letter table and go on; or count it, log it and go on.");

  public static final SpecOption<String> DEAD_LETTER_TABLE =
      SpecOption.key("dead-letter-table")
          .stringType()
          .computedDefault("`<sink table>_dead_letter`")
          .withDescription(
              "Only for `policy: dead-letter`: the table bad records are written to, with the"
                  + " error.");

  public static final List<SpecOption<?>> ERRORS_OPTIONS = List.of(ERROR_POLICY, DEAD_LETTER_TABLE);
}
