package io.lakestream.core.spec;

import static io.lakestream.core.spec.SpecOptions.ALLOWED_LATENESS;
import static io.lakestream.core.spec.SpecOptions.CAST;
import static io.lakestream.core.spec.SpecOptions.COMPUTE;
import static io.lakestream.core.spec.SpecOptions.COMPUTE_EXPR;
import static io.lakestream.core.spec.SpecOptions.COMPUTE_NAME;
import static io.lakestream.core.spec.SpecOptions.COMPUTE_OPTIONS;
import static io.lakestream.core.spec.SpecOptions.COMPUTE_TYPE;
import static io.lakestream.core.spec.SpecOptions.DEDUPE;
import static io.lakestream.core.spec.SpecOptions.DEDUPE_KEEP;
import static io.lakestream.core.spec.SpecOptions.DEDUPE_KEY;
import static io.lakestream.core.spec.SpecOptions.DEDUPE_OPTIONS;
import static io.lakestream.core.spec.SpecOptions.DEDUPE_TTL;
import static io.lakestream.core.spec.SpecOptions.EARLY_FIRE;
import static io.lakestream.core.spec.SpecOptions.FILTER;
import static io.lakestream.core.spec.SpecOptions.LATE_RECORDS;
import static io.lakestream.core.spec.SpecOptions.LATE_RECORDS_OPTIONS;
import static io.lakestream.core.spec.SpecOptions.LATE_RECORDS_TABLE;
import static io.lakestream.core.spec.SpecOptions.RENAME;
import static io.lakestream.core.spec.SpecOptions.TRANSFORM_OPTIONS;
import static io.lakestream.core.spec.SpecOptions.WINDOW;
import static io.lakestream.core.spec.SpecOptions.WINDOW_AGGREGATES;
import static io.lakestream.core.spec.SpecOptions.WINDOW_GAP;
import static io.lakestream.core.spec.SpecOptions.WINDOW_GROUP_BY;
import static io.lakestream.core.spec.SpecOptions.WINDOW_OPTIONS;
import static io.lakestream.core.spec.SpecOptions.WINDOW_SIZE;
import static io.lakestream.core.spec.SpecOptions.WINDOW_SLIDE;
import static io.lakestream.core.spec.SpecOptions.WINDOW_TYPE;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakestream.core.aggregate.AggregateFunction;
import io.lakestream.core.record.DataType;
import io.lakestream.core.record.Field;
import io.lakestream.core.record.Schema;
import io.lakestream.core.spec.SchemaReader.Column;
import io.lakestream.core.transform.Expressions;
import io.lakestream.core.transform.Expressions.InvalidExpressionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.jexl3.JexlScript;

/**
 * Reads the {@code transforms} list and checks each step against the columns the previous steps
 * leave: a filter or compute may only read existing columns, a rename or cast only touch them, a
 * project only keep them, and a compute only add a new one. When the columns are not known (an Avro
 * source whose spec declares no schema), only what does not depend on them is checked.
 *
 * <p>Stateful steps ({@code dedupe}, {@code window}) are checked against the event-time section:
 * the event-time column must be a timestamp where the first of them runs, a window needs event
 * time, and a window is the last step.
 */
final class TransformReader {
  private static final List<String> KINDS = SpecOption.keys(TRANSFORM_OPTIONS);

  private final Problems problems;
  private final String eventTimeField;
  private boolean stateful;
  private boolean windowSeen;
  private boolean keepLastSeen;

  /** The columns after the steps read so far, or null when they are not known. */
  private List<Column> columns;

  /**
   * @param columns the columns of decoded records, or null when they are not known
   * @param eventTimeField the {@code event-time.field}, or null when the spec has no event time
   */
  TransformReader(Problems problems, List<Column> columns, String eventTimeField) {
    this.problems = problems;
    this.eventTimeField = eventTimeField;
    this.columns = columns == null ? null : new ArrayList<>(columns);
  }

  /** Reads the list at {@code path}; returns null after reporting problems. */
  List<TransformSpec> read(JsonNode node, String path) {
    if (Section.isAbsent(node)) {
      return List.of();
    }
    if (!node.isArray()) {
      problems.add(path, "must be a list of steps (got " + Section.describe(node) + ")");
      return null;
    }
    List<TransformSpec> steps = new ArrayList<>();
    boolean ok = true;
    for (int i = 0; i < node.size(); i++) {
      TransformSpec step = readStep(node.get(i), Section.index(path, i));
      ok &= step != null;
      steps.add(step);
    }
    return ok ? steps : null;
  }

  private TransformSpec readStep(JsonNode node, String at) {
    if (!node.isObject() || node.size() != 1) {
      String got = Section.describeNotOneKey(node);
      problems.add(
          at,
          "must be a map with one key, the kind of step: "
              + String.join(", ", KINDS)
              + " (got "
              + got
              + ")");
      return null;
    }
    String kind = node.fieldNames().next();
    String kindPath = Section.child(at, kind);
    JsonNode value = node.get(kind);
    if (!KINDS.contains(kind)) {
      problems.add(kindPath, Section.unknownKey(kind, KINDS));
      return null;
    }
    if (Section.isAbsent(value)) {
      problems.add(kindPath, "is required");
      return null;
    }
    if (windowSeen) {
      problems.add(at, "a window must be the last step; move this step before it");
      return null;
    }
    if (kind.equals(DEDUPE.key())) {
      return dedupe(value, kindPath);
    } else if (kind.equals(WINDOW.key())) {
      windowSeen = true;
      return window(value, kindPath);
    } else if (kind.equals(FILTER.key())) {
      return filter(value, kindPath);
    } else if (kind.equals(COMPUTE.key())) {
      return compute(value, kindPath);
    } else if (kind.equals(RENAME.key())) {
      return rename(value, kindPath);
    } else if (kind.equals(CAST.key())) {
      return cast(value, kindPath);
    } else {
      return project(value, kindPath);
    }
  }

  private TransformSpec filter(JsonNode value, String at) {
    String expression = Section.text(value, at, problems);
    if (expression == null || !checkExpression(expression, at)) {
      return null;
    }
    return new TransformSpec.Filter(expression);
  }

  private TransformSpec compute(JsonNode value, String at) {
    Section section = Section.read(value, at, COMPUTE_OPTIONS, problems);
    if (!value.isObject()) {
      return null;
    }
    String name = section.string(COMPUTE_NAME);
    boolean nameOk = name != null && checkNewName(name, section.pathOf(COMPUTE_NAME), Set.of());
    String typeName = section.string(COMPUTE_TYPE);
    DataType type =
        typeName == null
            ? null
            : TypeNames.scalar(typeName, section.pathOf(COMPUTE_TYPE), problems, false);
    String expression = section.string(COMPUTE_EXPR);
    boolean expressionOk =
        expression != null && checkExpression(expression, section.pathOf(COMPUTE_EXPR));
    if (nameOk && columns != null) {
      columns.add(new Column(name, type));
    }
    return nameOk && type != null && expressionOk
        ? new TransformSpec.Compute(name, type, expression)
        : null;
  }

  private TransformSpec rename(JsonNode value, String at) {
    if (!nonEmptyMap(value, at)) {
      return null;
    }
    Map<String, String> renames = new LinkedHashMap<>();
    Map<String, String> applied = new LinkedHashMap<>();
    // a column renamed away in this step frees its name: {a: b, b: a} swaps two columns
    Set<String> leaving = new HashSet<>(Section.keysOf(value));
    Set<String> targets = new HashSet<>();
    boolean ok = true;
    for (Map.Entry<String, JsonNode> entry : value.properties()) {
      String from = entry.getKey();
      String entryPath = Section.child(at, from);
      boolean entryOk = existing(from, entryPath) != null || columns == null;
      String to = null;
      if (Section.isAbsent(entry.getValue())) {
        problems.add(entryPath, "needs the new name");
      } else {
        to = Section.text(entry.getValue(), entryPath, problems);
      }
      if (to != null) {
        entryOk &= checkNewName(to, entryPath, leaving);
        if (entryOk && !targets.add(to)) {
          problems.add(entryPath, "another column is renamed to " + Section.quote(to) + " too");
          entryOk = false;
        }
      }
      ok &= entryOk && to != null;
      renames.put(from, to);
      if (entryOk && to != null) {
        applied.put(from, to);
      }
    }
    if (columns != null) {
      // only the renames without problems, so later steps are checked against what was meant
      columns.replaceAll(
          c -> applied.containsKey(c.name()) ? new Column(applied.get(c.name()), c.type()) : c);
    }
    return ok ? new TransformSpec.Rename(renames) : null;
  }

  private TransformSpec cast(JsonNode value, String at) {
    if (!nonEmptyMap(value, at)) {
      return null;
    }
    Map<String, DataType> casts = new LinkedHashMap<>();
    boolean ok = true;
    for (Map.Entry<String, JsonNode> entry : value.properties()) {
      String name = entry.getKey();
      String entryPath = Section.child(at, name);
      Column column = existing(name, entryPath);
      boolean entryOk = column != null || columns == null;
      if (column != null
          && (column.type() instanceof DataType.Struct
              || column.type() instanceof DataType.ListOf)) {
        problems.add(
            entryPath,
            "only primitive and decimal columns can be cast ("
                + name
                + " is a "
                + (column.type() instanceof DataType.Struct ? TypeNames.STRUCT : TypeNames.LIST)
                + ")");
        entryOk = false;
      }
      String typeName = null;
      if (Section.isAbsent(entry.getValue())) {
        problems.add(entryPath, "needs the type to cast to");
      } else {
        typeName = Section.text(entry.getValue(), entryPath, problems);
      }
      DataType type =
          typeName == null ? null : TypeNames.scalar(typeName, entryPath, problems, false);
      ok &= entryOk && type != null;
      casts.put(name, type);
      if (column != null) {
        columns.set(columns.indexOf(column), new Column(name, type));
      }
    }
    return ok ? new TransformSpec.Cast(casts) : null;
  }

  private TransformSpec project(JsonNode value, String at) {
    if (!value.isArray()) {
      problems.add(at, "must be a list of column names (got " + Section.describe(value) + ")");
      return null;
    }
    if (value.isEmpty()) {
      problems.add(at, "must not be empty");
      return null;
    }
    List<String> names = new ArrayList<>();
    List<Column> kept = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    boolean ok = true;
    for (int i = 0; i < value.size(); i++) {
      String itemPath = Section.index(at, i);
      String name = Section.text(value.get(i), itemPath, problems);
      if (name == null) {
        ok = false;
        continue;
      }
      if (!seen.add(name)) {
        problems.add(itemPath, "duplicate column " + Section.quote(name));
        ok = false;
        continue;
      }
      Column column = existing(name, itemPath);
      ok &= column != null || columns == null;
      kept.add(column != null ? column : new Column(name, null));
      names.add(name);
    }
    // after a project the columns are known even when the input's were not
    columns = kept;
    return ok ? new TransformSpec.Project(names) : null;
  }

  private TransformSpec dedupe(JsonNode value, String at) {
    Section section = Section.read(value, at, DEDUPE_OPTIONS, problems);
    if (!value.isObject()) {
      return null;
    }
    boolean ok = checkEventTime(at);
    List<String> key = section.stringList(DEDUPE_KEY);
    ok &= key != null && checkKeyColumns(key, section.pathOf(DEDUPE_KEY), false);
    Duration ttl = section.duration(DEDUPE_TTL, Duration.ofMillis(1));
    TransformSpec.Dedupe.Keep keep = section.choice(DEDUPE_KEEP);
    keepLastSeen |= keep == TransformSpec.Dedupe.Keep.LAST;
    return ok && ttl != null && keep != null ? new TransformSpec.Dedupe(key, ttl, keep) : null;
  }

  private TransformSpec window(JsonNode value, String at) {
    Section section = Section.read(value, at, WINDOW_OPTIONS, problems);
    if (!value.isObject()) {
      return null;
    }
    boolean ok = true;
    if (keepLastSeen) {
      problems.add(
          at,
          "cannot follow a dedupe with keep: last, which passes on every newer version of a key"
              + " and so would be counted again; use keep: first before a window");
      ok = false;
    }
    if (eventTimeField == null) {
      problems.add(at, "needs event time: add the top-level event-time section");
      ok = false;
    } else {
      ok &= checkEventTime(at);
    }
    TransformSpec.Window.Type type = section.choice(WINDOW_TYPE);
    Duration size = section.duration(WINDOW_SIZE, Duration.ofMillis(1));
    Duration slide = section.duration(WINDOW_SLIDE, Duration.ofMillis(1));
    Duration gap = section.duration(WINDOW_GAP, Duration.ofMillis(1));
    ok &= type != null && checkWindowShape(section, type, size, slide, gap);
    List<String> groupBy = section.stringList(WINDOW_GROUP_BY);
    if (groupBy == null) {
      ok &= !section.has(WINDOW_GROUP_BY);
      groupBy = List.of();
    }
    ok &= checkKeyColumns(groupBy, section.pathOf(WINDOW_GROUP_BY), true);
    Map<String, String> aggregates = section.stringMap(WINDOW_AGGREGATES);
    List<Column> output = new ArrayList<>();
    output.add(new Column(TransformSpec.Window.START_COLUMN, DataType.Primitive.TIMESTAMP));
    output.add(new Column(TransformSpec.Window.END_COLUMN, DataType.Primitive.TIMESTAMP));
    for (String g : groupBy) {
      Column c = columns == null ? null : find(g);
      output.add(new Column(g, c == null ? null : c.type()));
    }
    if (aggregates != null && aggregates.isEmpty()) {
      problems.add(section.pathOf(WINDOW_AGGREGATES), "must not be empty");
      aggregates = null;
    }
    ok &= aggregates != null && checkAggregates(aggregates, section, output);
    Duration lateness = section.duration(ALLOWED_LATENESS, Duration.ZERO);
    Duration earlyFire = section.duration(EARLY_FIRE, Duration.ofMillis(100));
    String lateTable = null;
    if (section.has(LATE_RECORDS)) {
      Section late =
          Section.read(
              section.value(LATE_RECORDS),
              section.pathOf(LATE_RECORDS),
              LATE_RECORDS_OPTIONS,
              problems);
      lateTable = late.string(LATE_RECORDS_TABLE);
      ok &= lateTable != null;
    }
    columns = output;
    boolean optionsOk = lateness != null && (earlyFire != null || !section.has(EARLY_FIRE));
    return ok && optionsOk
        ? new TransformSpec.Window(
            type, size, slide, gap, groupBy, aggregates, lateness, earlyFire, lateTable)
        : null;
  }

  private boolean checkWindowShape(
      Section section,
      TransformSpec.Window.Type type,
      Duration size,
      Duration slide,
      Duration gap) {
    boolean ok = true;
    boolean needsSize = type != TransformSpec.Window.Type.SESSION;
    ok &= needs(section, WINDOW_SIZE, needsSize, type) && (!needsSize || size != null);
    boolean sliding = type == TransformSpec.Window.Type.SLIDING;
    ok &= needs(section, WINDOW_SLIDE, sliding, type) && (!sliding || slide != null);
    boolean session = type == TransformSpec.Window.Type.SESSION;
    ok &= needs(section, WINDOW_GAP, session, type) && (!session || gap != null);
    if (ok && sliding) {
      if (slide.compareTo(size) > 0) {
        problems.add(section.pathOf(WINDOW_SLIDE), "must not be longer than size");
        ok = false;
      } else if (size.toNanos() % slide.toNanos() != 0) {
        problems.add(
            section.pathOf(WINDOW_SIZE),
            "must be a multiple of slide ("
                + Units.formatDuration(size)
                + " is not a multiple of "
                + Units.formatDuration(slide)
                + ")");
        ok = false;
      }
    }
    return ok;
  }

  /** Reports an option a window type needs but lacks, or has but does not use. */
  private boolean needs(
      Section section, SpecOption<Duration> option, boolean needed, TransformSpec.Window.Type t) {
    String typeName = SpecOption.choiceName(t);
    if (needed && !section.has(option)) {
      problems.add(section.pathOf(option), "is required for " + typeName + " windows");
      return false;
    }
    if (!needed && section.has(option)) {
      problems.add(section.pathOf(option), "does not apply to " + typeName + " windows");
      return false;
    }
    return true;
  }

  private boolean checkAggregates(
      Map<String, String> aggregates, Section section, List<Column> output) {
    boolean ok = true;
    Schema input = knownSchema();
    for (Map.Entry<String, String> e : aggregates.entrySet()) {
      String at = Section.child(section.pathOf(WINDOW_AGGREGATES), e.getKey());
      String name = e.getKey();
      if (!TypeNames.isValidName(name)) {
        problems.add(at, TypeNames.NAME_RULE + " (got " + Section.quote(name) + ")");
        ok = false;
        continue;
      }
      if (output.stream().anyMatch(c -> c.name().equals(name))) {
        problems.add(at, "column " + Section.quote(name) + " is already an output column");
        ok = false;
        continue;
      }
      DataType type = null;
      if (input != null) {
        try {
          type = AggregateFunction.parse(name, e.getValue(), input).resultType();
        } catch (IllegalArgumentException ex) {
          problems.add(at, ex.getMessage());
          ok = false;
        }
      }
      output.add(new Column(name, type));
    }
    return ok;
  }

  /** The columns as a schema, or null when some are unknown. */
  private Schema knownSchema() {
    if (columns == null || columns.stream().anyMatch(c -> c.type() == null)) {
      return null;
    }
    return new Schema(columns.stream().map(c -> Field.optional(c.name(), c.type())).toList());
  }

  /**
   * Checks that the event-time column is a timestamp where the first stateful step runs; later
   * steps see the same value.
   */
  private boolean checkEventTime(String at) {
    if (stateful || eventTimeField == null || columns == null) {
      stateful = true;
      return true;
    }
    stateful = true;
    Column column = find(eventTimeField);
    if (column == null) {
      problems.add(
          at,
          "event-time.field "
              + Section.quote(eventTimeField)
              + " is not a column here (columns: "
              + String.join(", ", names(columns))
              + ")");
      return false;
    }
    if (column.type() != null && column.type() != DataType.Primitive.TIMESTAMP) {
      problems.add(
          at,
          "event-time.field "
              + Section.quote(eventTimeField)
              + " must be a timestamp column, but it is "
              + column.type());
      return false;
    }
    return true;
  }

  /** Key and group columns: existing, unique, of a primitive or decimal type. */
  private boolean checkKeyColumns(List<String> names, String at, boolean emptyOk) {
    if (names.isEmpty() && !emptyOk) {
      problems.add(at, "must not be empty");
      return false;
    }
    boolean ok = true;
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < names.size(); i++) {
      String itemPath = Section.index(at, i);
      String name = names.get(i);
      if (!seen.add(name)) {
        problems.add(itemPath, "duplicate column " + Section.quote(name));
        ok = false;
        continue;
      }
      if (name.equals(TransformSpec.Window.START_COLUMN)
          || name.equals(TransformSpec.Window.END_COLUMN)) {
        problems.add(itemPath, Section.quote(name) + " is a name the window output uses itself");
        ok = false;
        continue;
      }
      Column column = existing(name, itemPath);
      if (column == null) {
        ok &= columns == null;
      } else if (column.type() instanceof DataType.Struct
          || column.type() instanceof DataType.ListOf
          || column.type() == DataType.Primitive.FLOAT
          || column.type() == DataType.Primitive.DOUBLE) {
        problems.add(
            itemPath,
            "a key column must be a primitive type other than float and double or a decimal ("
                + name
                + " is "
                + column.type()
                + ")");
        ok = false;
      }
    }
    return ok;
  }

  // ---- checks

  /**
   * Compiles an expression and checks that every variable it reads is a column (and every path into
   * a struct column a field of it); reports what is wrong at {@code at}.
   */
  private boolean checkExpression(String expression, String at) {
    JexlScript script;
    try {
      script = Expressions.compile(expression);
    } catch (InvalidExpressionException e) {
      problems.add(at, e.getMessage());
      return false;
    }
    if (columns == null) {
      return true;
    }
    boolean ok = true;
    for (List<String> path : Expressions.variablePaths(script)) {
      ok &= checkReference(path, at);
    }
    return ok;
  }

  private boolean checkReference(List<String> path, String at) {
    Column column = find(path.get(0));
    if (column == null) {
      problems.add(at, Section.unknownName("field", path.get(0), names(columns), "fields"));
      return false;
    }
    DataType type = column.type();
    String walked = path.get(0);
    for (String segment : path.subList(1, path.size())) {
      if (type instanceof DataType.Struct struct) {
        List<String> fields = struct.schema().fields().stream().map(f -> f.name()).toList();
        int position = struct.schema().position(segment).orElse(-1);
        if (position < 0) {
          String guess = Section.didYouMean(segment, fields);
          problems.add(
              at,
              "unknown field "
                  + Section.quote(walked + "." + segment)
                  + (guess == null ? "" : ", did you mean \"" + walked + "." + guess + "\"?")
                  + " (fields of "
                  + walked
                  + ": "
                  + String.join(", ", fields)
                  + ")");
          return false;
        }
        type = struct.schema().field(position).type();
      } else if (type instanceof DataType.ListOf list
          && segment.chars().allMatch(Character::isDigit)) {
        type = list.element();
      } else if (type instanceof DataType.Primitive || type instanceof DataType.Decimal) {
        problems.add(
            at,
            "unknown field "
                + Section.quote(walked + "." + segment)
                + " ("
                + walked
                + " is a "
                + type.name()
                + ", not a struct)");
        return false;
      } else {
        return true; // a type with a problem of its own, or a list read in a way we do not follow
      }
      walked = walked + "." + segment;
    }
    return true;
  }

  /** Checks a name a step gives to a column; names in {@code freed} leave in the same step. */
  private boolean checkNewName(String name, String at, Set<String> freed) {
    if (!TypeNames.isValidName(name)) {
      problems.add(at, TypeNames.NAME_RULE + " (got " + Section.quote(name) + ")");
      return false;
    }
    if (columns != null && find(name) != null && !freed.contains(name)) {
      problems.add(at, "column " + Section.quote(name) + " already exists");
      return false;
    }
    return true;
  }

  /**
   * The named column; null after reporting that it does not exist (or when columns are unknown).
   */
  private Column existing(String name, String at) {
    if (columns == null) {
      return null;
    }
    Column column = find(name);
    if (column == null) {
      problems.add(at, Section.unknownName("field", name, names(columns), "fields"));
    }
    return column;
  }

  private Column find(String name) {
    for (Column column : columns) {
      if (column.name().equals(name)) {
        return column;
      }
    }
    return null;
  }

  private boolean nonEmptyMap(JsonNode value, String at) {
    if (!value.isObject()) {
      problems.add(at, "must be a map (got " + Section.describe(value) + ")");
      return false;
    }
    if (value.isEmpty()) {
      problems.add(at, "must not be empty");
      return false;
    }
    return true;
  }

  private static List<String> names(List<Column> columns) {
    return columns.stream().map(Column::name).toList();
  }
}
