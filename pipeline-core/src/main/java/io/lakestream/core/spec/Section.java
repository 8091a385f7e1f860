package io.lakestream.core.spec;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One map of a spec being read against its {@link SpecOption} declarations. Creating it reports
 * unknown keys; each getter reports what is wrong with its key's value and then returns null, so a
 * caller checks every key and the user sees every problem at once. A key whose value is YAML null
 * ({@code key:} or {@code key: ~}) counts as absent.
 *
 * <p>Source types and formats read their sections with it: the parser creates the section with
 * their {@link SourceType#options()}, so unknown keys are already reported when they get it.
 */
public final class Section {
  private final JsonNode node;
  private final String path;
  private final Problems problems;
  private final boolean quiet;

  private Section(JsonNode node, String path, Problems problems, boolean quiet) {
    this.node = node;
    this.path = path;
    this.problems = problems;
    this.quiet = quiet;
  }

  /**
   * Starts reading the map at {@code path}. An absent node is an empty section; a node that is not
   * a map is reported once. In both cases every key reads as absent, and required keys are not
   * reported: the missing or wrong section is the one problem.
   */
  static Section read(JsonNode node, String path, List<SpecOption<?>> options, Problems problems) {
    if (isAbsent(node)) {
      return new Section(null, path, problems, true);
    }
    if (!node.isObject()) {
      problems.add(path, "must be a map (got " + describe(node) + ")");
      return new Section(null, path, problems, true);
    }
    List<String> known = SpecOption.keys(options);
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!known.contains(name)) {
        problems.add(child(path, name), unknownKey(name, known));
      }
    }
    return new Section(node, path, problems, false);
  }

  /** The path of this section, e.g. {@code source.kafka}. */
  public String path() {
    return path;
  }

  /** The path of an option's key in this section. */
  public String pathOf(SpecOption<?> option) {
    return child(path, option.key());
  }

  /** Whether the key is present with a non-null value. */
  public boolean has(SpecOption<?> option) {
    return node != null && !isAbsent(node.get(option.key()));
  }

  /**
   * The key's value, or null when it is absent; reports a required key that is absent (unless the
   * section itself is absent or not a map).
   */
  JsonNode value(SpecOption<?> option) {
    if (has(option)) {
      return node.get(option.key());
    }
    if (option.required() && !quiet) {
      problems.add(pathOf(option), "is required");
    }
    return null;
  }

  /** A non-blank string, or the default. */
  public String string(SpecOption<String> option) {
    JsonNode value = value(option);
    if (value == null) {
      return option.defaultValue();
    }
    return text(value, pathOf(option), problems);
  }

  /** A whole number within {@code [min, max]}, or the default. */
  public Integer integer(SpecOption<Integer> option, int min, int max) {
    JsonNode given = value(option);
    if (given == null) {
      return option.defaultValue();
    }
    JsonNode value = scalar(given);
    if (!value.isIntegralNumber()) {
      problems.add(pathOf(option), "must be a whole number (got " + describe(given) + ")");
      return null;
    }
    if (!value.canConvertToInt() || value.intValue() < min || value.intValue() > max) {
      problems.add(
          pathOf(option),
          "must be between " + min + " and " + max + " (got " + describe(given) + ")");
      return null;
    }
    return value.intValue();
  }

  /** A byte size such as {@code 128MB}, at least 1 byte, or the default. */
  public Long byteSize(SpecOption<Long> option) {
    JsonNode value = value(option);
    if (value == null) {
      return option.defaultValue();
    }
    JsonNode given = scalar(value);
    try {
      long bytes = Units.parseByteSize(given.asText());
      if ((given.isTextual() || given.isIntegralNumber()) && bytes > 0) {
        return bytes;
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    problems.add(
        pathOf(option),
        "must be a byte size such as " + Units.BYTE_SIZE_SYNTAX + " (got " + describe(value) + ")");
    return null;
  }

  /** {@code true} or {@code false}, or the default. */
  public Boolean bool(SpecOption<Boolean> option) {
    JsonNode given = value(option);
    if (given == null) {
      return option.defaultValue();
    }
    JsonNode value = scalar(given);
    if (!value.isBoolean()) {
      problems.add(pathOf(option), "must be true or false (got " + describe(given) + ")");
      return null;
    }
    return value.booleanValue();
  }

  /** A duration of at least {@code min}, or the default. */
  public Duration duration(SpecOption<Duration> option, Duration min) {
    JsonNode value = value(option);
    if (value == null) {
      return option.defaultValue();
    }
    Duration duration = null;
    if (value.isTextual()) {
      try {
        duration = Units.parseDuration(value.textValue());
      } catch (IllegalArgumentException e) {
        duration = null;
      }
    }
    if (duration == null) {
      problems.add(
          pathOf(option),
          "must be a duration such as " + Units.DURATION_SYNTAX + " (got " + describe(value) + ")");
      return null;
    }
    if (duration.compareTo(min) < 0) {
      problems.add(
          pathOf(option),
          "must be at least " + Units.formatDuration(min) + " (got " + describe(value) + ")");
      return null;
    }
    return duration;
  }

  /** One of the option's {@link SpecOption#choices()}, or the default. */
  public <E extends Enum<E>> E choice(SpecOption<E> option) {
    JsonNode value = value(option);
    if (value == null) {
      return option.defaultValue();
    }
    List<String> names =
        option.choices().stream().map(SpecOption::choiceName).collect(Collectors.toList());
    if (value.isTextual()) {
      for (E choice : option.choices()) {
        if (SpecOption.choiceName(choice).equals(value.textValue())) {
          return choice;
        }
      }
    }
    String hint = value.isTextual() ? didYouMean(value.textValue(), names) : null;
    problems.add(
        pathOf(option),
        "must be one of "
            + String.join(", ", names)
            + (hint == null ? "" : "; did you mean \"" + hint + "\"?")
            + " (got "
            + describe(value)
            + ")");
    return null;
  }

  /** A non-empty list of non-blank strings, or the default; null if any item is wrong. */
  public List<String> stringList(SpecOption<List<String>> option) {
    JsonNode value = value(option);
    if (value == null) {
      return option.defaultValue();
    }
    return textList(value, pathOf(option), problems);
  }

  /**
   * A map of strings: string values as they are, numbers and booleans turned into their text (so
   * that {@code max.poll.records: 500} works); null values are left out.
   */
  public Map<String, String> stringMap(SpecOption<Map<String, String>> option) {
    JsonNode value = value(option);
    if (value == null) {
      return option.defaultValue();
    }
    String at = pathOf(option);
    if (!value.isObject()) {
      problems.add(at, "must be a map (got " + describe(value) + ")");
      return null;
    }
    Map<String, String> result = new LinkedHashMap<>();
    boolean ok = true;
    for (Map.Entry<String, JsonNode> entry : value.properties()) {
      JsonNode v = entry.getValue();
      if (isAbsent(v)) {
        continue;
      }
      if (v.isTextual() || v.isNumber() || v.isBoolean()) {
        result.put(entry.getKey(), v.asText());
      } else {
        problems.add(
            child(at, entry.getKey()),
            "must be a string, number or boolean (got " + describe(v) + ")");
        ok = false;
      }
    }
    return ok ? result : null;
  }

  /**
   * An existing file named by the option, resolved against {@code baseDir} (the spec file's
   * directory), or null when the key is absent or after reporting that the file is not there.
   */
  public Path file(SpecOption<String> option, Path baseDir) {
    String file = string(option);
    if (file == null) {
      return null;
    }
    Path resolved;
    try {
      resolved = baseDir.resolve(file);
    } catch (InvalidPathException e) {
      problem(option, "is not a valid path (got " + quote(file) + ")");
      return null;
    }
    if (!Files.isRegularFile(resolved)) {
      problem(
          option,
          (Files.exists(resolved) ? "is not a file: " : "file not found: ")
              + resolved
              + " (got "
              + quote(file)
              + ")");
      return null;
    }
    return resolved;
  }

  /** Reports that the option's value is wrong: {@code message} says what, with the value given. */
  public void problem(SpecOption<?> option, String message) {
    problems.add(pathOf(option), message);
  }

  // ---- helpers shared by the readers of this package

  /**
   * A value from a reference read as the number or boolean its text is; other values as they are.
   */
  private static JsonNode scalar(JsonNode value) {
    return value instanceof References.ResolvedText resolved ? resolved.scalar() : value;
  }

  /** The text of a string node, or null after reporting that it is not a non-blank string. */
  static String text(JsonNode value, String at, Problems problems) {
    if (!value.isTextual()) {
      problems.add(at, "must be a string (got " + describe(value) + ")");
      return null;
    }
    if (value.textValue().isBlank()) {
      problems.add(at, "must not be empty");
      return null;
    }
    return value.textValue();
  }

  /** A non-empty list of non-blank strings, or null after reporting what is wrong. */
  static List<String> textList(JsonNode value, String at, Problems problems) {
    if (!value.isArray()) {
      problems.add(at, "must be a list (got " + describe(value) + ")");
      return null;
    }
    if (value.isEmpty()) {
      problems.add(at, "must not be empty");
      return null;
    }
    List<String> result = new ArrayList<>();
    boolean ok = true;
    for (int i = 0; i < value.size(); i++) {
      String item = text(value.get(i), index(at, i), problems);
      ok &= item != null;
      result.add(item);
    }
    return ok ? result : null;
  }

  static boolean isAbsent(JsonNode node) {
    return node == null || node.isNull() || node.isMissingNode();
  }

  public static String child(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  public static String index(String path, int i) {
    return path + "[" + i + "]";
  }

  /**
   * A value as shown in a problem: strings quoted, lists and maps named, not printed; a value from
   * a reference by its reference, never by what it resolved to.
   */
  static String describe(JsonNode node) {
    if (isAbsent(node)) {
      return "nothing";
    }
    if (node instanceof References.ResolvedText resolved) {
      return "the value of " + resolved.written();
    }
    if (node.isTextual()) {
      return quote(node.textValue());
    }
    if (node.isArray()) {
      return node.isEmpty() ? "an empty list" : "a list";
    }
    if (node.isObject()) {
      return node.isEmpty() ? "an empty map" : "a map";
    }
    return node.asText();
  }

  /** A string in double quotes with quotes, backslashes and control characters escaped. */
  public static String quote(String text) {
    String shown = text.length() > 80 ? text.substring(0, 77) + "..." : text;
    StringBuilder b = new StringBuilder("\"");
    for (char c : shown.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\t' -> b.append("\\t");
        case '\r' -> b.append("\\r");
        default -> b.append(c);
      }
    }
    return b.append('"').toString();
  }

  /** Items as a sentence lists them: {@code a}, {@code a and b}, {@code a, b and c}. */
  static String inWords(List<String> items) {
    int last = items.size() - 1;
    return last <= 0
        ? String.join("", items)
        : String.join(", ", items.subList(0, last)) + " and " + items.get(last);
  }

  /** "unknown key, did you mean "topics"? (known: a, b)". */
  static String unknownKey(String name, Collection<String> known) {
    return "unknown key" + hint(name, known) + " (known: " + list(known) + ")";
  }

  /** "unknown field "amout", did you mean "amount"? (fields: a, b)". */
  public static String unknownName(
      String what, String name, Collection<String> known, String label) {
    return "unknown "
        + what
        + " "
        + quote(name)
        + hint(name, known)
        + " ("
        + label
        + ": "
        + list(known)
        + ")";
  }

  private static String hint(String name, Collection<String> known) {
    String guess = didYouMean(name, known);
    return guess == null ? "" : ", did you mean \"" + guess + "\"?";
  }

  private static String list(Collection<String> names) {
    return names.isEmpty() ? "none" : String.join(", ", names);
  }

  /**
   * The candidate a mistyped name most likely meant: the same name up to case and separators
   * ({@code bootstrap_servers}), or one within a small edit distance ({@code topicz}); null if none
   * is close.
   */
  static String didYouMean(String name, Collection<String> candidates) {
    String normalized = normalize(name);
    for (String candidate : candidates) {
      if (normalize(candidate).equals(normalized)) {
        return candidate;
      }
    }
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    String lower = name.toLowerCase(Locale.ROOT);
    for (String candidate : candidates) {
      int distance = editDistance(lower, candidate.toLowerCase(Locale.ROOT));
      int shorter = Math.min(candidate.length(), name.length());
      // one edit turns any two-letter name into many others: suggest only for longer names
      int allowed = shorter <= 2 ? 0 : shorter <= 4 ? 1 : 2;
      if (distance <= allowed && distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    return best;
  }

  private static String normalize(String name) {
    return name.toLowerCase(Locale.ROOT).replaceAll("[-_. ]", "");
  }

  /**
   * Edits (insert, delete, replace, swap two neighbours) that turn {@code a} into {@code b}: the
   * optimal string alignment distance, so that {@code kafak} is one edit from {@code kafka}.
   */
  static int editDistance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }

  /**
   * What a value that should be a map with exactly one key is instead: its keys when it is a map
   * with several, otherwise a description of the value.
   */
  static String describeNotOneKey(JsonNode node) {
    return node.isObject() && node.size() > 1 ? String.join(", ", keysOf(node)) : describe(node);
  }

  /** The keys present in a map node, in order. */
  static List<String> keysOf(JsonNode node) {
    List<String> keys = new ArrayList<>();
    node.fieldNames().forEachRemaining(keys::add);
    return keys;
  }
}
