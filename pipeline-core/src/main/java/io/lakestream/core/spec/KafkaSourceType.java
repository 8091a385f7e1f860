package io.lakestream.core.spec;

import static io.lakestream.core.spec.SpecOptions.BOOTSTRAP_SERVERS;
import static io.lakestream.core.spec.SpecOptions.PROPERTIES;
import static io.lakestream.core.spec.SpecOptions.START;
import static io.lakestream.core.spec.SpecOptions.TOMBSTONES;
import static io.lakestream.core.spec.SpecOptions.TOPICS;
import static io.lakestream.core.spec.SpecOptions.TOPIC_PATTERN;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakestream.core.decode.RecordFormat;
import io.lakestream.core.spec.KafkaSourceSpec.Start;
import io.lakestream.core.spec.KafkaSourceSpec.Tombstones;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The {@code kafka} source type: records read from Kafka topics, their values decoded by the {@link
 * RecordFormat} that {@code format} names. The format's own options are keys of this section too. A
 * Kafka source writes one table.
 */
public final class KafkaSourceType implements SourceType {
  private static final Pattern BROKER =
      Pattern.compile("(\\[[0-9A-Fa-f:.]+\\]|[^\\s:\\[\\],]+):\\d{1,5}");
  private static final List<String> START_KINDS = List.of("committed", "earliest", "latest");

  @Override
  public String name() {
    return "kafka";
  }

  @Override
  public String description() {
    return "Read records from Kafka topics.";
  }

  @Override
  public List<SpecOption<?>> options() {
    return SpecOptions.kafkaOptions(Registry.formats().all());
  }

  @Override
  public SourceSection read(Section s, SpecContext context) {
    Problems problems = context.problems();
    String servers = s.string(BOOTSTRAP_SERVERS);
    if (servers != null && !validServers(servers)) {
      s.problem(
          BOOTSTRAP_SERVERS,
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
        s.problem(
            TOPIC_PATTERN,
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
      problems.add(s.path(), "give either topics or topic-pattern, not both");
      topicsOk = false;
    } else if (!s.has(TOPICS) && !s.has(TOPIC_PATTERN)) {
      s.problem(TOPICS, "is required (or give topic-pattern)");
      topicsOk = false;
    }

    Start start = start(s);
    Registry<RecordFormat> formats = Registry.formats();
    RecordFormat format = format(s, formats);
    boolean foreignOptions = format != null && otherFormatsOptions(s, format, formats);
    OptionValues formatOptions = format == null ? null : format.read(s, context);
    Map<String, String> properties = s.stringMap(PROPERTIES);
    Tombstones tombstones = s.choice(TOMBSTONES);

    boolean ok =
        servers != null
            && tombstones != null
            && topicsOk
            && (topics != null || pattern != null)
            && start != null
            && format != null
            && formatOptions != null
            && !foreignOptions
            && (properties != null || !s.has(PROPERTIES));
    KafkaSourceSpec spec =
        ok
            ? new KafkaSourceSpec(
                servers,
                topics == null ? List.of() : topics,
                pattern,
                start,
                format,
                formatOptions,
                properties == null ? Map.of() : properties,
                tombstones,
                null,
                Map.of(),
                Map.of())
            : null;
    return new Read(spec, format, formatOptions, s);
  }

  /** The section as read; the format decides the checks, also when other keys have mistakes. */
  private record Read(
      KafkaSourceSpec spec, RecordFormat format, OptionValues formatOptions, Section section)
      implements SourceSection {

    @Override
    public SchemaSpec schema(boolean declared, String path, Problems problems) {
      if (format == null || declared) {
        return null;
      }
      SchemaSpec own = format.schema(formatOptions, section);
      if (own == null) {
        problems.add(path, "is required for format " + format.name());
      }
      return own;
    }

    @Override
    public void check(SpecOutline outline, Problems problems) {
      if (format != null && format.changes()) {
        outline.noTransformsOnChanges("format " + format.name(), problems);
      }
      if (outline.sink() != null && outline.sink().table().endsWith(".*")) {
        problems.add(
            outline.sinkTablePath(),
            "must be namespace.name: a Kafka source writes one table, and namespace.* is for"
                + " sources that write several (got "
                + Section.quote(outline.sink().table())
                + ")");
      }
    }
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

  /**
   * The format {@code format} names, or null after reporting that none on the class path has it.
   */
  private static RecordFormat format(Section s, Registry<RecordFormat> formats) {
    SpecOption<String> option = SpecOptions.format(formats.all());
    String name = s.string(option);
    if (name == null) {
      return null;
    }
    RecordFormat format = formats.get(name);
    if (format == null) {
      s.problem(option, formats.unknown(name));
    }
    return format;
  }

  /** Reports the options of other formats that {@code format} does not take; whether there are. */
  private static boolean otherFormatsOptions(
      Section s, RecordFormat format, Registry<RecordFormat> formats) {
    Map<String, SpecOption<?>> options = new LinkedHashMap<>();
    Map<String, List<String>> takers = new LinkedHashMap<>();
    for (RecordFormat other : formats.all()) {
      for (SpecOption<?> option : other.options()) {
        options.putIfAbsent(option.key(), option);
        takers.computeIfAbsent(option.key(), k -> new ArrayList<>()).add(other.name());
      }
    }
    List<String> own = SpecOption.keys(format.options());
    boolean found = false;
    for (SpecOption<?> option : options.values()) {
      if (!own.contains(option.key()) && s.has(option)) {
        List<String> names = takers.get(option.key());
        s.problem(
            option,
            "only applies to format" + (names.size() == 1 ? " " : "s ") + Section.inWords(names));
        found = true;
      }
    }
    return found;
  }

  private static Start start(Section s) {
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
    s.problem(
        START,
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
}
