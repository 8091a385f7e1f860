package io.lakestream.core.spec;

import static io.lakestream.core.spec.SpecOptions.CHECKPOINT;
import static io.lakestream.core.spec.SpecOptions.CHECKPOINT_DIR;
import static io.lakestream.core.spec.SpecOptions.CHECKPOINT_INTERVAL;
import static io.lakestream.core.spec.SpecOptions.CHECKPOINT_LOCAL_DIR;
import static io.lakestream.core.spec.SpecOptions.CHECKPOINT_OPTIONS;
import static io.lakestream.core.spec.SpecOptions.CHECKPOINT_RETRY_TIMEOUT;
import static io.lakestream.core.spec.SpecOptions.CHECKPOINT_STORAGE;
import static io.lakestream.core.spec.SpecOptions.CHECKPOINT_TIMEOUT;
import static io.lakestream.core.spec.SpecOptions.DEAD_LETTER_TABLE;
import static io.lakestream.core.spec.SpecOptions.ERRORS;
import static io.lakestream.core.spec.SpecOptions.ERRORS_OPTIONS;
import static io.lakestream.core.spec.SpecOptions.ERROR_POLICY;
import static io.lakestream.core.spec.SpecOptions.EVENT_TIME;
import static io.lakestream.core.spec.SpecOptions.EVENT_TIME_FIELD;
import static io.lakestream.core.spec.SpecOptions.EVENT_TIME_OPTIONS;
import static io.lakestream.core.spec.SpecOptions.IDLE_TIMEOUT;
import static io.lakestream.core.spec.SpecOptions.MAX_OUT_OF_ORDERNESS;
import static io.lakestream.core.spec.SpecOptions.METRICS;
import static io.lakestream.core.spec.SpecOptions.METRICS_OPTIONS;
import static io.lakestream.core.spec.SpecOptions.METRICS_PORT;
import static io.lakestream.core.spec.SpecOptions.METRICS_READY_INTERVALS;
import static io.lakestream.core.spec.SpecOptions.PARALLELISM;
import static io.lakestream.core.spec.SpecOptions.PIPELINE;
import static io.lakestream.core.spec.SpecOptions.SCHEMA;
import static io.lakestream.core.spec.SpecOptions.SINK;
import static io.lakestream.core.spec.SpecOptions.SINK_TABLE;
import static io.lakestream.core.spec.SpecOptions.SOURCE;
import static io.lakestream.core.spec.SpecOptions.STATE;
import static io.lakestream.core.spec.SpecOptions.STATE_BACKEND;
import static io.lakestream.core.spec.SpecOptions.STATE_KEY_GROUPS;
import static io.lakestream.core.spec.SpecOptions.STATE_OPTIONS;
import static io.lakestream.core.spec.SpecOptions.TOP_LEVEL_OPTIONS;
import static io.lakestream.core.spec.SpecOptions.TRANSFORMS;
import static io.lakestream.core.spec.SpecOptions.WRITER;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.lakestream.core.sink.SinkFactories;
import io.lakestream.core.sink.SinkFactory;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads a pipeline spec from YAML and validates all of it before anything runs.
 *
 * <p>Validation never stops at the first mistake: every problem is collected, each as {@code
 * path.to.key: what is wrong (value given)}, and reported together in one {@link SpecException}.
 * Unknown keys are problems too, with a suggestion when a known key is close. Transforms are
 * checked against the columns each step leaves for the next.
 *
 * <p>The source's section is read by the {@link SourceType} whose name is the key under {@code
 * source:}, which also checks the schema, the transforms and the sink table against itself; the
 * sink's section is validated by the {@link SinkFactory} whose {@link SinkFactory#type()} is the
 * key under {@code sink:}. Both are found with {@link ServiceLoader}, and their problems join the
 * same list.
 *
 * <p>Before anything is checked, references to the environment and to files in string values
 * ({@code ${env:NAME}}, {@code ${env:NAME:-default}}, {@code ${file:PATH}}) are replaced by what
 * they name, as {@link References} describes; one that cannot be resolved is a problem at its path.
 *
 * <p>The keys, their defaults and their descriptions are declared in {@link SpecOptions} and by the
 * source types and formats; {@code docs/spec-reference.md} is generated from those declarations by
 * {@link SpecReference}.
 */
public final class SpecParser {
  /** The path of problems about the spec as a whole. */
  static final String ROOT = "spec";

  private static final Pattern PIPELINE_ID = Pattern.compile("[a-zA-Z0-9._-]+");

  /** A checkpoint dir in object storage: a URI with a scheme and {@code //}. */
  private static final Pattern REMOTE_DIR = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://.*");

  private static final int MAX_PARALLELISM = 1024;

  private final Problems problems = new Problems();
  private final Path baseDir;
  private final References references;

  /** How many of the problems are about references; they come first. */
  private int referenceProblems;

  private SpecParser(Path baseDir, Function<String, String> env) {
    this.baseDir = baseDir;
    this.references = new References(env, baseDir, problems);
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
    return new SpecParser(dir, References.systemEnvironment()).read(yaml);
  }

  /**
   * Reads and validates a spec given as YAML text. Relative paths in it are relative to the working
   * directory.
   *
   * @throws SpecException listing every problem in the spec
   */
  public static PipelineSpec parse(String yaml) {
    return parse(yaml, References.systemEnvironment());
  }

  /** Like {@link #parse(String)}, with {@code env} as the environment references read. */
  static PipelineSpec parse(String yaml, Function<String, String> env) {
    return new SpecParser(Path.of(""), env).read(yaml);
  }

  private PipelineSpec read(String yaml) {
    JsonNode root = YamlTree.read(yaml, ROOT, problems);
    if (root == null) {
      throw failure();
    }
    references.resolve(root, "");
    referenceProblems = problems.list().size();
    Section top = Section.read(root, "", TOP_LEVEL_OPTIONS, problems);

    String pipeline = name(top, PIPELINE);
    String writer = name(top, WRITER);
    Integer parallelism = top.integer(PARALLELISM, 1, MAX_PARALLELISM);
    if (parallelism == null && !top.has(PARALLELISM)) {
      parallelism = Math.min(Runtime.getRuntime().availableProcessors(), MAX_PARALLELISM);
    }

    SourceSection source = source(top.value(SOURCE), top.pathOf(SOURCE), pipeline);

    SchemaSpec schema = null;
    List<SchemaReader.Column> columns = null;
    boolean declared = top.has(SCHEMA);
    if (declared) {
      SchemaReader.Result result = new SchemaReader(problems).read(top.value(SCHEMA), SCHEMA.key());
      schema = result.spec();
      columns = result.columns();
    }
    SchemaSpec own = source == null ? null : source.schema(declared, top.pathOf(SCHEMA), problems);
    if (!declared && own != null) {
      schema = own;
      columns = // the columns of an undeclared schema are unknown until the source opens
          own.declared()
              ? own.schema().fields().stream()
                  .map(f -> new SchemaReader.Column(f.name(), f.type()))
                  .toList()
              : null;
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
    Integer keyGroups = stateSection.integer(STATE_KEY_GROUPS, 1, SpecOptions.MAX_KEY_GROUPS);

    List<TransformSpec> transforms =
        new TransformReader(problems, columns, eventTime == null ? null : eventTime.field())
            .read(top.value(TRANSFORMS), TRANSFORMS.key());

    SinkSpec sink = sink(top.value(SINK), top.pathOf(SINK));
    if (source != null) {
      source.check(new SpecOutline(top.has(TRANSFORMS), sink), problems);
    }
    if (transforms != null && sink != null) {
      transforms = withLateTables(transforms, sink.table());
    }
    if (transforms != null
        && parallelism != null
        && keyGroups != null
        && keyGroups < parallelism
        && transforms.stream().anyMatch(TransformSpec::keyed)) {
      problems.add(
          stateSection.pathOf(STATE_KEY_GROUPS),
          "must be at least parallelism ("
              + parallelism
              + ") in a pipeline with dedupe or window steps: each task owns at least one key"
              + " group (got "
              + keyGroups
              + ")");
    }

    Section checkpointSection =
        Section.read(top.value(CHECKPOINT), top.pathOf(CHECKPOINT), CHECKPOINT_OPTIONS, problems);
    Duration interval =
        checkpointSection.duration(CHECKPOINT_INTERVAL, SpecOptions.MIN_CHECKPOINT_INTERVAL);
    URI remote = remoteCheckpointDir(checkpointSection);
    Path dir = checkpointDir(checkpointSection, pipeline, remote != null);
    Map<String, String> storage = checkpointSection.stringMap(CHECKPOINT_STORAGE);
    if (remote == null) {
      for (SpecOption<?> option : List.of(CHECKPOINT_LOCAL_DIR, CHECKPOINT_STORAGE)) {
        if (checkpointSection.has(option)) {
          problems.add(
              checkpointSection.pathOf(option),
              "applies only to a dir in object storage (dir is a local path)");
        }
      }
    }
    if (writer != null) {
      dir = dir == null ? null : CheckpointSpec.writerDir(dir, writer);
      remote = CheckpointSpec.writerRemote(remote, writer);
    }
    Duration checkpointTimeout =
        checkpointSection.duration(CHECKPOINT_TIMEOUT, SpecOptions.MIN_CHECKPOINT_TIMEOUT);
    Duration retryTimeout =
        checkpointSection.duration(CHECKPOINT_RETRY_TIMEOUT, SpecOptions.MIN_CHECKPOINT_TIMEOUT);

    Section errorsSection =
        Section.read(top.value(ERRORS), top.pathOf(ERRORS), ERRORS_OPTIONS, problems);
    ErrorSpec errors = errors(errorsSection, sink);

    Section metricsSection =
        Section.read(top.value(METRICS), top.pathOf(METRICS), METRICS_OPTIONS, problems);
    Integer metricsPort = metricsSection.integer(METRICS_PORT, 1, 65535);
    Integer readyIntervals = metricsSection.integer(METRICS_READY_INTERVALS, 1, 1000);

    MaintenanceSpec maintenance =
        new MaintenanceReader(problems)
            .read(
                top.value(MaintenanceOptions.MAINTENANCE),
                top.pathOf(MaintenanceOptions.MAINTENANCE),
                sink == null ? null : sink.type(),
                writtenTables(sink, transforms, errors));

    if (!problems.isEmpty()) {
      throw failure();
    }
    return new PipelineSpec(
        pipeline,
        source.spec(),
        schema,
        transforms,
        sink,
        new CheckpointSpec(interval, dir, checkpointTimeout, retryTimeout, remote, storage),
        errors,
        parallelism,
        eventTime,
        new StateSpec(backend, keyGroups),
        writer,
        new MetricsSpec(metricsPort, readyIntervals),
        maintenance);
  }

  /**
   * The tables a maintenance job may name: those the spec writes, empty when the sink writes tables
   * matching a pattern, null when the sink, transforms or errors sections are wrong.
   */
  private static List<String> writtenTables(
      SinkSpec sink, List<TransformSpec> transforms, ErrorSpec errors) {
    if (sink == null || transforms == null || errors == null) {
      return null;
    }
    return sink.tablePattern() ? List.of() : PipelineSpec.outputTables(sink, transforms, errors);
  }

  /**
   * Reads and validates a maintenance file for {@code spec}: YAML whose only key is {@code
   * maintenance}, checked as that section of the spec would be. Its problems' paths start with
   * {@code maintenance}.
   *
   * @throws SpecException listing every problem in the file, or saying that it cannot be read
   */
  public static MaintenanceSpec parseMaintenance(Path file, PipelineSpec spec) {
    String yaml;
    try {
      yaml = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw single(file.toString(), "cannot read the maintenance file: " + e.getMessage());
    }
    SpecParser parser =
        new SpecParser(file.toAbsolutePath().getParent(), References.systemEnvironment());
    JsonNode root = YamlTree.read(yaml, ROOT, parser.problems);
    if (root == null) {
      throw parser.failure();
    }
    parser.references.resolve(root, "");
    parser.referenceProblems = parser.problems.list().size();
    Section top = Section.read(root, "", List.of(MaintenanceOptions.MAINTENANCE), parser.problems);
    if (!top.has(MaintenanceOptions.MAINTENANCE)) {
      parser.problems.add(MaintenanceOptions.MAINTENANCE.key(), "is required");
    }
    MaintenanceSpec maintenance =
        new MaintenanceReader(parser.problems)
            .read(
                top.value(MaintenanceOptions.MAINTENANCE),
                MaintenanceOptions.MAINTENANCE.key(),
                spec.sink().type(),
                writtenTables(spec.sink(), spec.transforms(), spec.errors()));
    if (!parser.problems.isEmpty()) {
      throw parser.failure();
    }
    return maintenance;
  }

  /** A pipeline or writer name: letters, digits, '.', '_' and '-'; null and a problem otherwise. */
  private String name(Section top, SpecOption<String> option) {
    String name = top.string(option);
    if (name != null && !PIPELINE_ID.matcher(name).matches()) {
      problems.add(
          top.pathOf(option),
          "must be letters, digits, '.', '_' and '-' (got " + Section.quote(name) + ")");
      return null;
    }
    return name;
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

  // ---- source

  /**
   * The source section read by its type, or null when there is none or not exactly one known type.
   * Every key that names no known type is reported; a key with an empty value names one only when
   * it is the only key ({@code kafka:} with nothing under it yet).
   */
  private SourceSection source(JsonNode node, String path, String pipeline) {
    if (Section.isAbsent(node)) {
      return null; // reported as required by the top-level section
    }
    Registry<SourceType> types = Registry.sourceTypes();
    if (!node.isObject() || node.isEmpty()) {
      problems.add(
          path,
          "must be a map with one key, the source type (known: "
              + String.join(", ", types.names())
              + "; got "
              + Section.describe(node)
              + ")");
      return null;
    }
    List<String> keys = Section.keysOf(node);
    if (keys.size() > 1) {
      keys = keys.stream().filter(k -> !Section.isAbsent(node.get(k))).toList();
    }
    List<String> known = new ArrayList<>();
    for (String key : keys) {
      if (types.get(key) == null) {
        problems.add(Section.child(path, key), types.unknown(key));
      } else {
        known.add(key);
      }
    }
    if (known.size() > 1) {
      problems.add(
          path, "give one source type, not several (got " + String.join(", ", known) + ")");
    }
    if (known.size() != 1) {
      return null;
    }
    String name = known.get(0);
    SourceType type = types.get(name);
    String sectionPath = Section.child(path, name);
    JsonNode section = node.get(name);
    if (Section.isAbsent(section)) {
      section = JsonNodeFactory.instance.objectNode(); // source.kafka: with nothing under it
    }
    if (!section.isObject()) {
      problems.add(sectionPath, "must be a map (got " + Section.describe(section) + ")");
      return null;
    }
    return type.read(
        Section.read(section, sectionPath, type.options(), problems),
        new SpecContext(pipeline, baseDir, problems));
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

  // ---- checkpoint and errors

  /** {@code checkpoint.dir} when it is a URI ({@code s3://bucket/path}), without a final slash. */
  private URI remoteCheckpointDir(Section s) {
    String dir = s.has(CHECKPOINT_DIR) ? s.string(CHECKPOINT_DIR) : null;
    if (dir == null || !REMOTE_DIR.matcher(dir).matches()) {
      return null;
    }
    try {
      URI uri = new URI(dir.replaceAll("/+$", ""));
      if (uri.getHost() == null && uri.getAuthority() == null) {
        throw new URISyntaxException(dir, "no bucket");
      }
      return uri;
    } catch (URISyntaxException e) {
      problems.add(
          s.pathOf(CHECKPOINT_DIR),
          "is not a valid URI such as s3://bucket/path (got " + Section.quote(dir) + ")");
      return null;
    }
  }

  /** The local checkpoint directory: {@code dir}, or {@code local-dir} when dir is remote. */
  private Path checkpointDir(Section s, String pipeline, boolean remote) {
    SpecOption<String> option = remote ? CHECKPOINT_LOCAL_DIR : CHECKPOINT_DIR;
    if (!s.has(option)) {
      return pipeline == null ? null : Path.of("state", pipeline);
    }
    String dir = s.string(option);
    if (dir == null) {
      return null;
    }
    try {
      return Path.of(dir);
    } catch (InvalidPathException e) {
      problems.add(s.pathOf(option), "is not a valid path (got " + Section.quote(dir) + ")");
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
    if (sink == null) {
      return null;
    }
    // a sink writing namespace.* (one table per source table): namespace.dead_letter
    String output = sink.table();
    return new ErrorSpec(
        policy,
        output.endsWith(".*")
            ? output.substring(0, output.length() - 1) + "dead_letter"
            : output + "_dead_letter");
  }

  // ---- problems

  /**
   * The exception listing every problem found, each once, in the order found; of a value whose
   * reference could not be resolved, only that.
   */
  private SpecException failure() {
    List<SpecProblem> found = problems.list();
    List<SpecProblem> shown = new ArrayList<>(found.subList(0, referenceProblems));
    found.subList(referenceProblems, found.size()).stream()
        .filter(p -> !references.aboutUnresolved(p))
        .forEach(shown::add);
    return new SpecException(new ArrayList<>(new LinkedHashSet<>(shown)));
  }

  private static SpecException single(String path, String message) {
    return new SpecException(List.of(new SpecProblem(path, message)));
  }
}
