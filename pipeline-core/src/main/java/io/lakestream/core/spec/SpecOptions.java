package io.lakestream.core.spec;

import io.lakestream.core.decode.RecordFormat;
import io.lakestream.core.spec.ErrorSpec.Policy;
import io.lakestream.core.spec.KafkaSourceSpec.Start;
import io.lakestream.core.spec.KafkaSourceSpec.Tombstones;
import io.lakestream.core.spec.SchemaSpec.TimestampFormat;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Every key of a pipeline spec that pipeline-core reads, declared once: {@link SpecParser} and the
 * {@code kafka} source type take defaults, required keys and known-key lists from here, and {@link
 * SpecReference} renders the spec reference from here. Source types, formats and sink types of
 * other modules declare their own options in those modules.
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

  public static final SpecOption<String> WRITER =
      SpecOption.key("writer")
          .stringType()
          .defaultValue(WriterId.DEFAULT)
          .withDescription(
              "The name this run commits under: letters, digits, `.`, `_` and `-`. Fencing and"
                  + " recovery are per writer, so a second process or a backfill of the same"
                  + " pipeline, under its own writer name and with its own input, commits to the"
                  + " same tables beside the default writer without fencing it. A writer other"
                  + " than `default` keeps its checkpoints in `<checkpoint.dir>/writers/<name>`"
                  + " and acknowledges Kafka offsets under its own consumer group.");

  public static final SpecOption<Integer> PARALLELISM =
      SpecOption.key("parallelism")
          .intType()
          .computedDefault("number of CPU cores")
          .withDescription("How many tasks read and write in parallel, 1 to 1024.");

  public static final SpecOption<Object> SOURCE =
      SpecOption.key("source")
          .type("section")
          .required()
          .withDescription(
              "Where records come from: one key, the source type (e.g. `kafka`), holding that"
                  + " source's options.");

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

  public static final SpecOption<Object> EVENT_TIME =
      SpecOption.key("event-time")
          .type("section")
          .withDescription(
              "Where a record's event time comes from and how the watermark follows it; needed by"
                  + " `window` and by event-time `dedupe` (see docs/stateful.md).");

  public static final SpecOption<Object> STATE =
      SpecOption.key("state")
          .type("section")
          .withDescription("Where `dedupe` and `window` steps keep their state.");

  public static final SpecOption<Object> METRICS =
      SpecOption.key("metrics")
          .type("section")
          .withDescription(
              "Where the running pipeline serves Prometheus metrics, health and readiness (see"
                  + " docs/operations.md).");

  public static final List<SpecOption<?>> TOP_LEVEL_OPTIONS =
      List.of(
          PIPELINE,
          WRITER,
          PARALLELISM,
          SOURCE,
          SCHEMA,
          EVENT_TIME,
          STATE,
          TRANSFORMS,
          SINK,
          CHECKPOINT,
          ERRORS,
          METRICS,
          MaintenanceOptions.MAINTENANCE);

  // ---- event-time

  public static final SpecOption<String> EVENT_TIME_FIELD =
      SpecOption.key("field")
          .stringType()
          .required()
          .withDescription(
              "A `timestamp` column of the records as they reach the first `dedupe` or `window`"
                  + " step. A record whose event time is null follows the error policy.");

  public static final SpecOption<Duration> MAX_OUT_OF_ORDERNESS =
      SpecOption.key("max-out-of-orderness")
          .durationType()
          .defaultValue(Duration.ZERO)
          .withDescription(
              "How far behind the newest event time of its partition a record may be and still be"
                  + " on time: each partition's watermark is its newest event time minus this.");

  public static final SpecOption<Duration> IDLE_TIMEOUT =
      SpecOption.key("idle-timeout")
          .durationType()
          .defaultValue(Duration.ofSeconds(30))
          .withDescription(
              "A partition that has been read to its end and has delivered nothing for this long"
                  + " stops holding the watermark back until it delivers again.");

  public static final List<SpecOption<?>> EVENT_TIME_OPTIONS =
      List.of(EVENT_TIME_FIELD, MAX_OUT_OF_ORDERNESS, IDLE_TIMEOUT);

  // ---- state

  public static final SpecOption<StateSpec.Backend> STATE_BACKEND =
      SpecOption.key("backend")
          .enumType(StateSpec.Backend.class)
          .defaultValue(StateSpec.Backend.ROCKSDB)
          .withDescription(
              "`rocksdb` keeps state on local disk under the checkpoint directory and snapshots it"
                  + " incrementally; `memory` keeps it on the heap and writes it in full at every"
                  + " checkpoint (tests and small jobs).");

  /** The default number of key groups: stateful steps can run on up to this many tasks. */
  public static final int DEFAULT_KEY_GROUPS = 128;

  /** The most key groups a pipeline may have. */
  public static final int MAX_KEY_GROUPS = 32_768;

  public static final SpecOption<Integer> STATE_KEY_GROUPS =
      SpecOption.key("key-groups")
          .intType()
          .defaultValue(DEFAULT_KEY_GROUPS)
          .withDescription(
              "How many parts the state of `dedupe` and `window` steps is split into, 1 to 32768."
                  + " Each task owns a contiguous range of them, so `parallelism` can change"
                  + " between runs up to this number; the number itself is fixed for the life of"
                  + " the pipeline (a checkpoint records it and a run with another number is"
                  + " refused).");

  public static final List<SpecOption<?>> STATE_OPTIONS = List.of(STATE_BACKEND, STATE_KEY_GROUPS);

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

  /** The format of a Kafka source that names none. */
  public static final String DEFAULT_FORMAT = "json";

  /**
   * {@code source.kafka.format}, which takes the name of one of {@code formats} (the formats on the
   * class path); its description says which options each format needs and which formats carry
   * changes.
   */
  public static SpecOption<String> format(Collection<RecordFormat> formats) {
    StringBuilder description = new StringBuilder("How record values are encoded.");
    Map<String, List<String>> needing = new LinkedHashMap<>();
    for (RecordFormat format : formats) {
      for (SpecOption<?> option : format.options()) {
        needing.computeIfAbsent(option.key(), k -> new ArrayList<>()).add(code(format.name()));
      }
    }
    needing.forEach(
        (key, names) ->
            description
                .append(' ')
                .append(Section.inWords(names))
                .append(names.size() == 1 ? " needs " : " need ")
                .append(code(key))
                .append('.'));
    List<String> changes =
        formats.stream().filter(RecordFormat::changes).map(f -> code(f.name())).toList();
    if (!changes.isEmpty()) {
      description
          .append(' ')
          .append(Section.inWords(changes))
          .append(changes.size() == 1 ? " carries" : " carry")
          .append(
              " changes: inserts and updates replace the row with its key and deletes remove it,"
                  + " so the sink must be in upsert mode keyed by the table's primary key.");
    }
    return SpecOption.key("format")
        .<String>type(
            formats.stream()
                .map(f -> code(f.name()))
                .collect(Collectors.joining(" \\| "))) // a pipe would end a Markdown table cell
        .defaultValue(DEFAULT_FORMAT)
        .withDescription(description.toString());
  }

  public static final SpecOption<String> SCHEMA_FILE =
      SpecOption.key("schema-file")
          .<String>type("path")
          .withDescription(
              "For the Avro formats: the Avro writer schema (`.avsc`; for a format that carries"
                  + " changes, the envelope's). A relative path is resolved against the directory"
                  + " of the spec file. The file must exist.");

  public static final SpecOption<Map<String, String>> PROPERTIES =
      SpecOption.key("properties")
          .stringMapType()
          .withDescription(
              "Passed to the Kafka consumer as they are, e.g. `security.protocol: SSL`; numbers"
                  + " and booleans are turned into strings.");

  public static final SpecOption<Tombstones> TOMBSTONES =
      SpecOption.key("tombstones")
          .enumType(Tombstones.class)
          .defaultValue(Tombstones.AUTO)
          .withDescription(
              "What a record with a null value (a tombstone, as compacted topics and"
                  + " change-data-capture connectors write them) does. `auto`: in a pipeline that"
                  + " writes records straight into an upsert table (no `dedupe` or `window`), it"
                  + " deletes the row whose key is"
                  + " the record's Kafka key (a JSON object holding the key columns, or the bare"
                  + " value of a one-column key); elsewhere it is skipped. `skip`: counted as"
                  + " `tombstones`, logged with its coordinates, nothing written. `bad-record`: it"
                  + " follows `errors.policy`. The formats that carry changes always skip the"
                  + " tombstone that follows a delete.");

  /**
   * The keys of {@code source.kafka} with {@code formats} on the class path: each format's own
   * options follow {@code format}.
   */
  public static List<SpecOption<?>> kafkaOptions(Collection<RecordFormat> formats) {
    List<SpecOption<?>> options =
        new ArrayList<>(List.of(BOOTSTRAP_SERVERS, TOPICS, TOPIC_PATTERN, START, format(formats)));
    for (RecordFormat format : formats) {
      for (SpecOption<?> option : format.options()) {
        if (!SpecOption.keys(options).contains(option.key())) {
          options.add(option);
        }
      }
    }
    options.addAll(List.of(PROPERTIES, TOMBSTONES));
    return List.copyOf(options);
  }

  private static String code(String text) {
    return "`" + text + "`";
  }

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

  public static final SpecOption<Object> DEDUPE =
      SpecOption.key("dedupe")
          .type("dedupe map")
          .withDescription(
              "Drops repeated records by key within a TTL: `{key: [event_id], ttl: 1h, keep:"
                  + " first}`.");

  public static final SpecOption<Object> WINDOW =
      SpecOption.key("window")
          .type("window map")
          .withDescription(
              "Aggregates records per event-time window and group; the last step. Its rows replace"
                  + " earlier versions of the same window and group.");

  public static final List<SpecOption<?>> TRANSFORM_OPTIONS =
      List.of(FILTER, COMPUTE, RENAME, CAST, PROJECT, DEDUPE, WINDOW);

  // ---- transforms[i].dedupe

  public static final SpecOption<List<String>> DEDUPE_KEY =
      SpecOption.key("key")
          .stringListType()
          .required()
          .withDescription("The columns that identify a record.");

  public static final SpecOption<Duration> DEDUPE_TTL =
      SpecOption.key("ttl")
          .durationType()
          .required()
          .withDescription(
              "How long a key is remembered: in event time (from the key's first record) when the"
                  + " spec has `event-time`, else in processing time.");

  public static final SpecOption<TransformSpec.Dedupe.Keep> DEDUPE_KEEP =
      SpecOption.key("keep")
          .enumType(TransformSpec.Dedupe.Keep.class)
          .defaultValue(TransformSpec.Dedupe.Keep.FIRST)
          .withDescription(
              "`first`: the first record of a key is written, later ones are dropped. `last`: the"
                  + " record with the latest event time wins; the sink must be in upsert mode keyed"
                  + " by `key`.");

  public static final List<SpecOption<?>> DEDUPE_OPTIONS =
      List.of(DEDUPE_KEY, DEDUPE_TTL, DEDUPE_KEEP);

  // ---- transforms[i].window

  public static final SpecOption<TransformSpec.Window.Type> WINDOW_TYPE =
      SpecOption.key("type")
          .enumType(TransformSpec.Window.Type.class)
          .required()
          .withDescription(
              "`tumbling` (needs `size`), `sliding` (`size` and `slide`) or `session` (`gap`).");

  public static final SpecOption<Duration> WINDOW_SIZE =
      SpecOption.key("size")
          .durationType()
          .withDescription("Tumbling and sliding windows: the window's length.");

  public static final SpecOption<Duration> WINDOW_SLIDE =
      SpecOption.key("slide")
          .durationType()
          .withDescription(
              "Sliding windows: the distance between window starts; `size` must be a multiple of"
                  + " it.");

  public static final SpecOption<Duration> WINDOW_GAP =
      SpecOption.key("gap")
          .durationType()
          .withDescription("Session windows: the inactivity after which a session ends.");

  public static final SpecOption<List<String>> WINDOW_GROUP_BY =
      SpecOption.key("group-by")
          .stringListType()
          .withDescription(
              "The group columns; they follow `window_start` and `window_end` in the output and are"
                  + " part of its key. None means one group.");

  public static final SpecOption<Map<String, String>> WINDOW_AGGREGATES =
      SpecOption.key("aggregates")
          .stringMapType()
          .required()
          .withDescription(
              "Output column to aggregate: `count(*)`, `count(col)`, `sum`, `min`, `max`, `avg`,"
                  + " `first`, `last`, `count_distinct`, `approx_count_distinct`.");

  public static final SpecOption<Duration> ALLOWED_LATENESS =
      SpecOption.key("allowed-lateness")
          .durationType()
          .defaultValue(Duration.ZERO)
          .withDescription(
              "How long after the watermark passes its end a window still takes corrections;"
                  + " later records go to the late-records table.");

  public static final SpecOption<Duration> EARLY_FIRE =
      SpecOption.key("early-fire")
          .durationType()
          .withDescription(
              "Writes partial results of open windows at this processing-time interval.");

  public static final SpecOption<Object> LATE_RECORDS =
      SpecOption.key("late-records")
          .type("section")
          .withDescription(
              "`{table: ns.name}`: where records too late for their window go, default"
                  + " `<sink table>_late`.");

  public static final List<SpecOption<?>> WINDOW_OPTIONS =
      List.of(
          WINDOW_TYPE,
          WINDOW_SIZE,
          WINDOW_SLIDE,
          WINDOW_GAP,
          WINDOW_GROUP_BY,
          WINDOW_AGGREGATES,
          ALLOWED_LATENESS,
          EARLY_FIRE,
          LATE_RECORDS);

  public static final SpecOption<String> LATE_RECORDS_TABLE =
      SpecOption.key("table")
          .stringType()
          .required()
          .withDescription("The late-records table, fully qualified: `namespace.name`.");

  public static final List<SpecOption<?>> LATE_RECORDS_OPTIONS = List.of(LATE_RECORDS_TABLE);

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
          .<String>type("path or URI")
          .computedDefault("`state/<pipeline>`")
          .withDescription(
              "Where checkpoints and state snapshots are persisted: a local directory (a relative"
                  + " path is relative to the working directory of the process), or object storage"
                  + " (`s3://bucket/path`), which keeps the durable copy while `local-dir` is the"
                  + " working copy, so a restart on another machine resumes from it.");

  public static final SpecOption<String> CHECKPOINT_LOCAL_DIR =
      SpecOption.key("local-dir")
          .<String>type("path")
          .computedDefault("`state/<pipeline>`")
          .withDescription(
              "The local working copy of a `dir` in object storage: open state, and checkpoint"
                  + " files and snapshots before they are uploaded. Only with a `dir` URI.");

  public static final SpecOption<Map<String, String>> CHECKPOINT_STORAGE =
      SpecOption.key("storage")
          .stringMapType()
          .withDescription(
              "How to reach a `dir` in object storage, with the keys of an Iceberg catalog's S3"
                  + " settings: `s3.endpoint`, `s3.path-style-access`, `client.region`,"
                  + " `s3.access-key-id`, `s3.secret-access-key` (without keys, the AWS SDK's"
                  + " default credential chain). Only with a `dir` URI.");

  /** The shortest checkpoint timeout a spec may ask for. */
  public static final Duration MIN_CHECKPOINT_TIMEOUT = Duration.ofSeconds(1);

  public static final SpecOption<Duration> CHECKPOINT_TIMEOUT =
      SpecOption.key("timeout")
          .durationType()
          .defaultValue(Duration.ofMinutes(10))
          .withDescription(
              "How long a checkpoint may wait for every task to close its files and snapshot its"
                  + " state. Past it the checkpoint is aborted, nothing of it is committed, and the"
                  + " run fails with the task it waited for; a restart resumes after the last"
                  + " committed checkpoint.");

  public static final SpecOption<Duration> CHECKPOINT_RETRY_TIMEOUT =
      SpecOption.key("retry-timeout")
          .durationType()
          .defaultValue(Duration.ofMinutes(5))
          .withDescription(
              "How long a table commit that fails for a reason that may pass (the catalog or the"
                  + " storage does not answer, another writer won a commit race) is tried again,"
                  + " waiting 1 s, then twice as long each time up to 30 s. The status line says"
                  + " it is retrying; past this the run fails, and a restart commits the"
                  + " checkpoint exactly once.");

  public static final List<SpecOption<?>> CHECKPOINT_OPTIONS =
      List.of(
          CHECKPOINT_INTERVAL,
          CHECKPOINT_DIR,
          CHECKPOINT_LOCAL_DIR,
          CHECKPOINT_STORAGE,
          CHECKPOINT_TIMEOUT,
          CHECKPOINT_RETRY_TIMEOUT);

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
          .computedDefault(
              "`<sink table>_dead_letter`; `<namespace>.dead_letter` for `<namespace>.*`")
          .withDescription(
              "Only for `policy: dead-letter`: the table bad records are written to, with the"
                  + " error.");

  public static final List<SpecOption<?>> ERRORS_OPTIONS = List.of(ERROR_POLICY, DEAD_LETTER_TABLE);

  // ---- metrics

  public static final SpecOption<Integer> METRICS_PORT =
      SpecOption.key("port")
          .intType()
          .withDescription(
              "The HTTP port, 1 to 65535, on which `/metrics` (Prometheus text format), `/health`"
                  + " and `/ready` are served on every interface; `lakestream run --metrics-port`"
                  + " overrides it. Without it there is no endpoint.");

  public static final SpecOption<Integer> METRICS_READY_INTERVALS =
      SpecOption.key("ready-intervals")
          .intType()
          .defaultValue(3)
          .withDescription(
              "`/ready` answers 200 while the pipeline runs and its last checkpoint completed (or"
                  + " found nothing to commit) less than this many `checkpoint.interval`s ago, 1"
                  + " to 1000; otherwise 503 with the reason.");

  public static final List<SpecOption<?>> METRICS_OPTIONS =
      List.of(METRICS_PORT, METRICS_READY_INTERVALS);
}
