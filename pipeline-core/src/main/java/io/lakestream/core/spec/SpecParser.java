package io.lakestream.core.spec;

import static io.lakestream.core.spec.SpecOptions.BOOTSTRAP_SERVERS;
import static io.lakestream.core.spec.SpecOptions.CHECKPOINT;
import static io.lakestream.core.spec.SpecOptions.CHECKPOINT_DIR;
import static io.lakestream.core.spec.SpecOptions.CHECKPOINT_INTERVAL;
import static io.lakestream.core.spec.SpecOptions.CHECKPOINT_OPTIONS;
import static io.lakestream.core.spec.SpecOptions.CHECKPOINT_RETRY_TIMEOUT;
import static io.lakestream.core.spec.SpecOptions.CHECKPOINT_TIMEOUT;
import static io.lakestream.core.spec.SpecOptions.DEAD_LETTER_TABLE;
import static io.lakestream.core.spec.SpecOptions.ERRORS;
import static io.lakestream.core.spec.SpecOptions.ERRORS_OPTIONS;
import static io.lakestream.core.spec.SpecOptions.ERROR_POLICY;
import static io.lakestream.core.spec.SpecOptions.EVENT_TIME;
import static io.lakestream.core.spec.SpecOptions.EVENT_TIME_FIELD;
import static io.lakestream.core.spec.SpecOptions.EVENT_TIME_OPTIONS;
import static io.lakestream.core.spec.SpecOptions.FORMAT;
import static io.lakestream.core.spec.SpecOptions.IDLE_TIMEOUT;
import static io.lakestream.core.spec.SpecOptions.KAFKA;
import static io.lakestream.core.spec.SpecOptions.KAFKA_OPTIONS;
import static io.lakestream.core.spec.SpecOptions.MAX_OUT_OF_ORDERNESS;
import static io.lakestream.core.spec.SpecOptions.PARALLELISM;
import static io.lakestream.core.spec.SpecOptions.PG_PASSWORD;
import static io.lakestream.core.spec.SpecOptions.PG_PUBLICATION;
import static io.lakestream.core.spec.SpecOptions.PG_ROUTES;
import static io.lakestream.core.spec.SpecOptions.PG_SLOT;
import static io.lakestream.core.spec.SpecOptions.PG_SNAPSHOT;
import static io.lakestream.core.spec.SpecOptions.PG_TABLES;
import static io.lakestream.core.spec.SpecOptions.PG_URL;
import static io.lakestream.core.spec.SpecOptions.PG_USER;
import static io.lakestream.core.spec.SpecOptions.PIPELINE;
import static io.lakestream.core.spec.SpecOptions.POSTGRES;
import static io.lakestream.core.spec.SpecOptions.POSTGRES_OPTIONS;
import static io.lakestream.core.spec.SpecOptions.PROPERTIES;
import static io.lakestream.core.spec.SpecOptions.SCHEMA;
import static io.lakestream.core.spec.SpecOptions.SCHEMA_FILE;
import static io.lakestream.core.spec.SpecOptions.SINK;
import static io.lakestream.core.spec.SpecOptions.SINK_TABLE;
import static io.lakestream.core.spec.SpecOptions.SOURCE;
import static io.lakestream.core.spec.SpecOptions.SOURCE_OPTIONS;
import static io.lakestream.core.spec.SpecOptions.START;
import static io.lakestream.core.spec.SpecOptions.STATE;
import static io.lakestream.core.spec.SpecOptions.STATE_BACKEND;
import static io.lakestream.core.spec.SpecOptions.STATE_OPTIONS;
import static io.lakestream.core.spec.SpecOptions.TOMBSTONES;
import static io.lakestream.core.spec.SpecOptions.TOPICS;
import static io.lakestream.core.spec.SpecOptions.TOPIC_PATTERN;
import static io.lakestream.core.spec.SpecOptions.TOP_LEVEL_OPTIONS;
import static io.lakestream.core.spec.SpecOptions.TRANSFORMS;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.lakestream.core.decode.AvroSchemas;
import io.lakestream.core.record.Schema;
import io.lakestream.core.sink.SinkFactories;
import io.lakestream.core.sink.SinkFactory;
import io.lakestream.core.spec.KafkaSourceSpec.Format;
import io.lakestream.core.spec.KafkaSourceSpec.Start;
import io.lakestream.core.spec.KafkaSourceSpec.Tombstones;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads a pipeline spec from YAML and validates all of it before anything runs.
 *
 * <p>Validation never stops at the first mistake: every problem is collected, each as {@code
 * path.to.key: what is wrong (value given)}, and reported together in one {@link SpecException}.
 * Unknown keys are problems too, with a suggestion when a known key is close. Transforms are
 * checked against the columns each step leaves for the next. The sink's own section is validated by
 * the {@link SinkFactory} whose {@link SinkFactory#type()} is the key under {@code sink:}, found
 * with {@link ServiceLoader}; its problems join the same list.
 *
 * <p>The keys, their defaults and their descriptions are declared in {@link SpecOptions}; {@code
 * docs/spec-reference.md} is generated from those declarations by {@link SpecReference}.
 */
public final class SpecParser {
  /** The path of problems about the spec as a whole. */
  static final String ROOT = "spec";

  private static final Pattern PIPELINE_ID = Pattern.compile("[a-zA-Z0-9._-]+");
  private static final Pattern BROKER =
      Pattern.compile("(\\[[0-9A-Fa-f:.]+\\]|[^\\s:\\[\\],]+):\\d{1,5}");
  private static final int MAX_PARALLELISM = 1024;
  private static final List<String> START_KINDS = List.of("committed", "earliest", "latest");
  private static final Pattern PG_TABLE =
      Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*\\.[A-Za-z_][A-Za-z0-9_$]*");
  private static final Pattern PG_NAME = Pattern.compile("[a-z0-9_]{1,63}");

  private final Problems problems = new Problems();
  private final Path baseDir;

  private SpecParser(Path baseDir) {
    this.baseDir = baseDir;
  }

  /**
   * Reads and validates the spec in a file. Relative paths in the spec that name inputs ({@code
   * source.kafka.schema-file}) are resolved against the file's directory.
   *
   * @throws SpecException listing every problem in the spec, or saying that the file cannot be read
   */
  public static PipelineSpec parse(Path file) {
    if (Files.isDirectory(file)) {
      throw single(file.toString(), "is a directory, not a file");
    }
    String yaml;
    try {
      yaml = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw single(file.toString(), "spec file not found");
    } catch (CharacterCodingException e) {
      throw single(file.toString(), "is not UTF-8 text");
    } catch (AccessDeniedException e) {
      throw single(file.toString(), "cannot read the spec file: permission denied");
    } catch (IOException e) {
      // an unreadable spec is something the user fixes, like a mistake in it
      throw single(
          file.toString(),
          "cannot read the spec file"
              + (e.getMessage() == null ? "" : ": " + e.getMessage().toLowerCase(Locale.ROOT)));
    }
    Path dir = file.toAbsolutePath().getParent();
    return new SpecParser(dir).read(yaml);
  }

  /**
   * Reads and validates a spec given as YAML text. Relative paths in it are relative to the working
   * directory.
   *
   * @throws SpecException listing every problem in the spec
   */
  public static PipelineSpec parse(String yaml) {
    return new SpecParser(Path.of("")).read(yaml);
  }

  private PipelineSpec read(String yaml) {
    JsonNode root = YamlTree.read(yaml, ROOT, problems);
    if (root == null) {
      throw failure();
    }
    Section top = Section.read(root, "", TOP_LEVEL_OPTIONS, problems);

    String pipeline = top.string(PIPELINE);
    if (pipeline != null && !PIPELINE_ID.matcher(pipeline).matches()) {
      problems.add(
          top.pathOf(PIPELINE),
          "must be letters, digits, '.', '_' and '-' (got " + Section.quote(pipeline) + ")");
      pipeline = null;
    }
    Integer parallelism = top.integer(PARALLELISM, 1, MAX_PARALLELISM);
    if (parallelism == null && !top.has(PARALLELISM)) {
      parallelism = Math.min(Runtime.getRuntime().availableProcessors(), MAX_PARALLELISM);
    }

    Section source = Section.read(top.value(SOURCE), top.pathOf(SOURCE), SOURCE_OPTIONS, problems);
    boolean postgresSource = source.has(POSTGRES);
    if (top.has(SOURCE) && !postgresSource && !source.has(KAFKA)) {
      problems.add(top.pathOf(SOURCE), "give a source type: kafka or postgres");
    }
    if (postgresSource && source.has(KAFKA)) {
      problems.add(top.pathOf(SOURCE), "give one source type, kafka or postgres, not both");
    }
    KafkaSourceSpec kafka =
        postgresSource ? null : kafka(source.value(KAFKA), source.pathOf(KAFKA));
    PostgresSourceSpec postgres =
        postgresSource ? postgres(source.value(POSTGRES), source.pathOf(POSTGRES), pipeline) : null;
    Format format = postgresSource ? null : formatOf(source.value(KAFKA));

    SchemaSpec schema = null;
    List<SchemaReader.Column> columns = null;
    if (top.has(SCHEMA)) {
      SchemaReader.Result result = new SchemaReader(problems).read(top.value(SCHEMA), SCHEMA.key());
      schema = result.spec();
      columns = result.columns();
    } else if (format == Format.AVRO) {
      schema = SchemaSpec.undeclared();
      if (kafka != null) {
        try {
          Schema derived = AvroSchemas.rowSchema(AvroSchemas.read(Path.of(kafka.avroSchemaFile())));
          schema = new SchemaSpec(derived, Map.of());
          columns =
              derived.fields().stream()
                  .map(f -> new SchemaReader.Column(f.name(), f.type()))
                  .toList();
        } catch (IllegalArgumentException e) {
          problems.add(source.pathOf(KAFKA) + ".schema-file", e.getMessage());
        }
      }
    } else if (postgresSource) {
      schema = SchemaSpec.undeclared(); // the columns come from the database
    } else if (format != null && format != Format.AVRO) {
      problems.add(top.pathOf(SCHEMA), "is required for format " + SpecOption.choiceName(format));
    }
    if (((format != null && format.changes()) || postgresSource) && top.has(TRANSFORMS)) {
      problems.add(
          top.pathOf(TRANSFORMS),
          "are not supported for change streams ("
              + (postgresSource ? "source postgres" : "format " + SpecOption.choiceName(format))
              + ") yet: a step would have to treat deletes as well as new rows");
    }
    if (postgresSource && top.has(SCHEMA)) {
      problems.add(
          top.pathOf(SCHEMA),
          "does not apply to source postgres: the columns come from" + " the database");
    }

    EventTimeSpec eventTime = null;
    if (top.has(EVENT_TIME)) {
      Section s =
          Section.read(top.value(EVENT_TIME), top.pathOf(EVENT_TIME), EVENT_TIME_OPTIONS, problems);
      String field = s.string(EVENT_TIME_FIELD);
      Duration outOfOrder = s.duration(MAX_OUT_OF_ORDERNESS, Duration.ZERO);
      Duration idle = s.duration(IDLE_TIMEOUT, Duration.ofMillis(1));
      if (field != null && outOfOrder != null && idle != null) {
        eventTime = new EventTimeSpec(field, outOfOrder, idle);
      }
    }
    Section stateSection =
        Section.read(top.value(STATE), top.pathOf(STATE), STATE_OPTIONS, problems);
    StateSpec.Backend backend = stateSection.choice(STATE_BACKEND);

    List<TransformSpec> transforms =
        new TransformReader(problems, columns, eventTime == null ? null : eventTime.field())
            .read(top.value(TRANSFORMS), TRANSFORMS.key());

    SinkSpec sink = sink(top.value(SINK), top.pathOf(SINK));
    if (sink != null && (kafka != null || postgres != null)) {
      checkTableForSource(sink, top.pathOf(SINK), postgres);
    }
    if (transforms != null && sink != null) {
      transforms = withLateTables(transforms, sink.table());
    }

    Section checkpointSection =
        Section.read(top.value(CHECKPOINT), top.pathOf(CHECKPOINT), CHECKPOINT_OPTIONS, problems);
    Duration interval =
        checkpointSection.duration(CHECKPOINT_INTERVAL, SpecOptions.MIN_CHECKPOINT_INTERVAL);
    Path dir = checkpointDir(checkpointSection, pipeline);
    Duration checkpointTimeout =
        checkpointSection.duration(CHECKPOINT_TIMEOUT, SpecOptions.MIN_CHECKPOINT_TIMEOUT);
    Duration retryTimeout =
        checkpointSection.duration(CHECKPOINT_RETRY_TIMEOUT, SpecOptions.MIN_CHECKPOINT_TIMEOUT);

    Section errorsSection =
        Section.read(top.value(ERRORS), top.pathOf(ERRORS), ERRORS_OPTIONS, problems);
    ErrorSpec errors = errors(errorsSection, sink);

    if (!problems.isEmpty()) {
      throw failure();
    }
    return new PipelineSpec(
        pipeline,
        postgresSource ? postgres : kafka,
        schema,
        transforms,
        sink,
        new CheckpointSpec(interval, dir, checkpointTimeout, retryTimeout),
        errors,
        parallelism,
        eventTime,
        new StateSpec(backend));
  }

  /** Gives every window without a late-records table the default, {@code <sink table>_late}. */
  private static List<TransformSpec> withLateTables(List<TransformSpec> steps, String sinkTable) {
    List<TransformSpec> result = new ArrayList<>();
    for (TransformSpec step : steps) {
      if (step instanceof TransformSpec.Window w && w.lateTable() == null) {
        step =
            new TransformSpec.Window(
                w.type(),
                w.size(),
                w.slide(),
                w.gap(),
                w.groupBy(),
                w.aggregates(),
                w.allowedLateness(),
                w.earlyFire(),
                sinkTable + "_late");
      }
      result.add(step);
    }
    return result;
  }

  // ---- source.postgres

  private PostgresSourceSpec postgres(JsonNode node, String path, String pipeline) {
    Section s = Section.read(node, path, POSTGRES_OPTIONS, problems);
    if (!node.isObject()) {
      return null;
    }
    String url = s.string(PG_URL);
    if (url != null && !url.startsWith("jdbc:postgresql:")) {
      problems.add(
          s.pathOf(PG_URL),
          "must be a PostgreSQL JDBC URL such as jdbc:postgresql://localhost:5432/shop (got "
              + Section.quote(url)
              + ")");
      url = null;
    }
    String user = s.string(PG_USER);
    String password = s.string(PG_PASSWORD);
    List<String> tables = s.stringList(PG_TABLES);
    if (tables != null) {
      if (tables.isEmpty()) {
        problems.add(s.pathOf(PG_TABLES), "must not be empty");
        tables = null;
      } else {
        for (int i = 0; i < tables.size(); i++) {
          if (!PG_TABLE.matcher(tables.get(i)).matches()) {
            problems.add(
                Section.index(s.pathOf(PG_TABLES), i),
                "must be schema.table (got " + Section.quote(tables.get(i)) + ")");
            tables = null;
            break;
          }
        }
      }
    }
    String slot =
        s.has(PG_SLOT)
            ? s.string(PG_SLOT)
            : pipeline == null
                ? null
                : "lakestream_" + pipeline.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
    if (slot != null && !PG_NAME.matcher(slot).matches()) {
      problems.add(
          s.pathOf(PG_SLOT),
          "must be lower-case letters, digits and _, at most 63 characters (got "
              + Section.quote(slot)
              + ")");
      slot = null;
    }
    String publication = s.has(PG_PUBLICATION) ? s.string(PG_PUBLICATION) : slot;
    PostgresSourceSpec.Snapshot snapshot = s.choice(PG_SNAPSHOT);
    Map<String, String> routes = s.stringMap(PG_ROUTES);
    if (routes != null && tables != null) {
      for (Map.Entry<String, String> e : routes.entrySet()) {
        String at = Section.child(s.pathOf(PG_ROUTES), e.getKey());
        if (!tables.contains(e.getKey())) {
          problems.add(at, Section.unknownName("table", e.getKey(), tables, "tables"));
          routes = null;
          break;
        }
        if (!TypeNames.isValidName(e.getValue())) {
          problems.add(at, TypeNames.NAME_RULE + " (got " + Section.quote(e.getValue()) + ")");
          routes = null;
          break;
        }
      }
    }
    if (url == null
        || user == null
        || tables == null
        || slot == null
        || publication == null
        || snapshot == null
        || (routes == null && s.has(PG_ROUTES))) {
      return null;
    }
    return new PostgresSourceSpec(
        url,
        user,
        password,
        tables,
        slot,
        publication,
        snapshot,
        routes == null ? Map.of() : routes);
  }

  // ---- source.kafka

  private KafkaSourceSpec kafka(JsonNode node, String path) {
    if (Section.isAbsent(node)) {
      return null; // reported as required by the source section
    }
    Section s = Section.read(node, path, KAFKA_OPTIONS, problems);
    if (!node.isObject()) {
      return null;
    }
    String servers = s.string(BOOTSTRAP_SERVERS);
    if (servers != null && !validServers(servers)) {
      problems.add(
          s.pathOf(BOOTSTRAP_SERVERS),
          "must be "
              + KafkaSourceSpec.EMBEDDED
              + " or host:port pairs separated by commas (got "
              + Section.quote(servers)
              + ")");
      servers = null;
    }

    List<String> topics = s.stringList(TOPICS);
    if (topics != null) {
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < topics.size(); i++) {
        if (!seen.add(topics.get(i))) {
          problems.add(
              Section.index(s.pathOf(TOPICS), i),
              "duplicate topic " + Section.quote(topics.get(i)));
          topics = null;
          break;
        }
      }
    }
    String pattern = s.string(TOPIC_PATTERN);
    if (pattern != null) {
      try {
        Pattern.compile(pattern);
      } catch (PatternSyntaxException e) {
        problems.add(
            s.pathOf(TOPIC_PATTERN),
            "is not a regular expression: "
                + e.getDescription()
                + " near index "
                + e.getIndex()
                + " (got "
                + Section.quote(pattern)
                + ")");
        pattern = null;
      }
    }
    boolean topicsOk = true;
    if (s.has(TOPICS) && s.has(TOPIC_PATTERN)) {
      problems.add(path, "give either topics or topic-pattern, not both");
      topicsOk = false;
    } else if (!s.has(TOPICS) && !s.has(TOPIC_PATTERN)) {
      problems.add(s.pathOf(TOPICS), "is required (or give topic-pattern)");
      topicsOk = false;
    }

    Start start = start(s);
    Format format = s.choice(FORMAT);
    String schemaFile = schemaFile(s, format);
    Map<String, String> properties = s.stringMap(PROPERTIES);
    Tombstones tombstones = s.choice(TOMBSTONES);

    boolean ok =
        servers != null
            && tombstones != null
            && topicsOk
            && (topics != null || pattern != null)
            && start != null
            && format != null
            && (schemaFile != null || !format.avro())
            && (properties != null || !s.has(PROPERTIES));
    if (!ok) {
      return null;
    }
    return new KafkaSourceSpec(
        servers,
        topics == null ? List.of() : topics,
        pattern,
        start,
        format,
        schemaFile,
        properties == null ? Map.of() : properties,
        tombstones);
  }

  private static boolean validServers(String servers) {
    if (servers.equals(KafkaSourceSpec.EMBEDDED)) {
      return true;
    }
    for (String server : servers.split(",", -1)) {
      if (!BROKER.matcher(server.strip()).matches()) {
        return false;
      }
    }
    return true;
  }

  /** The format the source section asks for, without reporting (the source reader does). */
  private static Format formatOf(JsonNode kafka) {
    if (Section.isAbsent(kafka) || !kafka.isObject()) {
      return null;
    }
    JsonNode format = kafka.get(FORMAT.key());
    if (Section.isAbsent(format)) {
      return FORMAT.defaultValue();
    }
    for (Format f : Format.values()) {
      if (format.isTextual() && SpecOption.choiceName(f).equals(format.textValue())) {
        return f;
      }
    }
    return null;
  }

  private Start start(Section s) {
    JsonNode value = s.value(START);
    if (value == null) {
      return START.defaultValue();
    }
    if (value.isTextual()) {
      String text = value.textValue().strip();
      for (Start.Kind kind : Start.Kind.values()) {
        if (kind != Start.Kind.TIMESTAMP && SpecOption.choiceName(kind).equals(text)) {
          return new Start(kind, null);
        }
      }
      Instant timestamp = timestamp(text);
      if (timestamp != null) {
        return new Start(Start.Kind.TIMESTAMP, timestamp);
      }
    }
    String guess = value.isTextual() ? Section.didYouMean(value.textValue(), START_KINDS) : null;
    problems.add(
        s.pathOf(START),
        "must be committed, earliest, latest or a timestamp with a zone offset such as"
            + " 2024-05-01T00:00:00Z"
            + (guess == null ? "" : "; did you mean \"" + guess + "\"?")
            + " (got "
            + Section.describe(value)
            + ")");
    return null;
  }

  private static Instant timestamp(String text) {
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeException e) {
      return null;
    }
  }

  private String schemaFile(Section s, Format format) {
    String file = s.string(SCHEMA_FILE);
    if (format != null && !format.avro() && s.has(SCHEMA_FILE)) {
      problems.add(s.pathOf(SCHEMA_FILE), "only applies to formats avro and debezium-avro");
      return null;
    }
    if (format == null || !format.avro()) {
      return null;
    }
    if (!s.has(SCHEMA_FILE)) {
      problems.add(
          s.pathOf(SCHEMA_FILE), "is required for format " + SpecOption.choiceName(format));
      return null;
    }
    if (file == null) {
      return null;
    }
    Path resolved;
    try {
      resolved = baseDir.resolve(file);
    } catch (InvalidPathException e) {
      problems.add(s.pathOf(SCHEMA_FILE), "is not a valid path (got " + Section.quote(file) + ")");
      return null;
    }
    if (!Files.isRegularFile(resolved)) {
      problems.add(
          s.pathOf(SCHEMA_FILE),
          (Files.exists(resolved) ? "is not a file: " : "file not found: ")
              + resolved
              + " (got "
              + Section.quote(file)
              + ")");
      return null;
    }
    return resolved.toString();
  }

  // ---- sink

  private SinkSpec sink(JsonNode node, String path) {
    if (Section.isAbsent(node)) {
      return null; // reported as required by the top-level section
    }
    Map<String, SinkFactory> factories = SinkFactories.byType();
    List<String> known = List.copyOf(factories.keySet());
    if (!node.isObject() || node.size() != 1) {
      String got = Section.describeNotOneKey(node);
      problems.add(
          path,
          "must be a map with one key, the sink type (known: "
              + (known.isEmpty() ? "none" : String.join(", ", known))
              + "; got "
              + got
              + ")");
      return null;
    }
    String type = node.fieldNames().next();
    String sectionPath = Section.child(path, type);
    JsonNode section = node.get(type);
    SinkFactory factory = factories.get(type);
    if (factory == null) {
      problems.add(sectionPath, Section.unknownName("sink type", type, known, "known"));
      return null;
    }
    if (Section.isAbsent(section)) {
      section = JsonNodeFactory.instance.objectNode(); // sink.test: with nothing under it
    }
    if (!section.isObject()) {
      problems.add(sectionPath, "must be a map (got " + Section.describe(section) + ")");
      return null;
    }
    JsonNode tableNode = section.get(SINK_TABLE.key());
    String table = null;
    if (Section.isAbsent(tableNode)) {
      problems.add(Section.child(sectionPath, SINK_TABLE.key()), "is required");
    } else {
      table = Section.text(tableNode, Section.child(sectionPath, SINK_TABLE.key()), problems);
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> config = (Map<String, Object>) YamlTree.toJava(section);
    factory.validate(config, sectionPath, problems);
    return table == null ? null : new SinkSpec(type, table, config);
  }

  /**
   * A Kafka source writes one table, {@code namespace.name}; a PostgreSQL source with several
   * tables writes one table each into the namespace of {@code namespace.*}.
   */
  private void checkTableForSource(SinkSpec sink, String sinkPath, PostgresSourceSpec postgres) {
    String at = Section.child(Section.child(sinkPath, sink.type()), SINK_TABLE.key());
    boolean wildcard = sink.table().endsWith(".*");
    if (postgres == null && wildcard) {
      problems.add(
          at,
          "must be namespace.name: a Kafka source writes one table, and namespace.* is for a"
              + " postgres source with several tables (got "
              + Section.quote(sink.table())
              + ")");
    } else if (postgres != null && postgres.tables().size() > 1 && !wildcard) {
      problems.add(
          at,
          "must be a namespace followed by .*, e.g. lake.*: source.postgres reads "
              + postgres.tables().size()
              + " tables, each into its own table of that namespace (got "
              + Section.quote(sink.table())
              + ")");
    }
  }

  // ---- checkpoint and errors

  private Path checkpointDir(Section s, String pipeline) {
    if (!s.has(CHECKPOINT_DIR)) {
      return pipeline == null ? null : Path.of("state", pipeline);
    }
    String dir = s.string(CHECKPOINT_DIR);
    if (dir == null) {
      return null;
    }
    try {
      return Path.of(dir);
    } catch (InvalidPathException e) {
      problems.add(
          s.pathOf(CHECKPOINT_DIR), "is not a valid path (got " + Section.quote(dir) + ")");
      return null;
    }
  }

  private ErrorSpec errors(Section s, SinkSpec sink) {
    ErrorSpec.Policy policy = s.choice(ERROR_POLICY);
    String table = s.string(DEAD_LETTER_TABLE);
    if (policy == null) {
      return null;
    }
    if (policy != ErrorSpec.Policy.DEAD_LETTER) {
      if (s.has(DEAD_LETTER_TABLE)) {
        problems.add(s.pathOf(DEAD_LETTER_TABLE), "only applies to policy dead-letter");
      }
      return new ErrorSpec(policy, null);
    }
    if (s.has(DEAD_LETTER_TABLE)) {
      return table == null ? null : new ErrorSpec(policy, table);
    }
    return sink == null ? null : new ErrorSpec(policy, sink.table() + "_dead_letter");
  }

  // ---- problems

  /** The exception listing every problem found, each once, in the order found. */
  private SpecException failure() {
    return new SpecException(new ArrayList<>(new LinkedHashSet<>(problems.list())));
  }

  private static SpecException single(String path, String message) {
    return new SpecException(List.of(new SpecProblem(path, message)));
  }
}
