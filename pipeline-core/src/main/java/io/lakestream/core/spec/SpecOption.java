package io.lakestream.core.spec;

import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The declaration of one key of a spec section: its name, the type of value it takes, whether it is
 * required, its default and what it does. Parsers take defaults and known-key lists from these
 * declarations, and {@link SpecReference} renders the documentation's option tables from them, so
 * an option is described in exactly one place.
 *
 * <pre>{@code
 * SpecOption<Duration> INTERVAL =
 *     SpecOption.key("interval")
 *         .durationType()
 *         .defaultValue(Duration.ofSeconds(10))
 *         .withDescription("Time between checkpoints.");
 * }</pre>
 *
 * @param <T> the Java type of the parsed value
 */
public final class SpecOption<T> {
  private final String key;
  private final String type;
  private final boolean required;
  private final T defaultValue;
  private final String defaultText;
  private final List<T> choices;
  private final String description;

  private SpecOption(
      String key,
      String type,
      boolean required,
      T defaultValue,
      String defaultText,
      List<T> choices,
      String description) {
    this.key = key;
    this.type = type;
    this.required = required;
    this.defaultValue = defaultValue;
    this.defaultText = defaultText;
    this.choices = choices;
    this.description = description;
  }

  /** Starts declaring the option with this (kebab-case) key. */
  public static Builder key(String key) {
    return new Builder(Objects.requireNonNull(key, "key"));
  }

  /** The key as written in a spec, e.g. {@code bootstrap-servers}. */
  public String key() {
    return key;
  }

  /** The kind of value the key takes, as shown in the docs, e.g. {@code duration}. */
  public String type() {
    return type;
  }

  /** Whether the key must be present. */
  public boolean required() {
    return required;
  }

  /** The value used when the key is absent, or null if there is none or it depends on the spec. */
  public T defaultValue() {
    return defaultValue;
  }

  /**
   * The default as shown in the docs, as Markdown: a literal default in backticks ({@code `10s`}),
   * a computed one as its declaration describes it; null when the option has no default.
   */
  public String defaultText() {
    return defaultText;
  }

  /**
   * For an option that takes one of a fixed set of values: those values, in the order the docs list
   * them; otherwise empty. Each is written in a spec as {@link #choiceName(Enum)} of it.
   */
  public List<T> choices() {
    return choices;
  }

  /** What the option does. */
  public String description() {
    return description;
  }

  /** How an enum constant is written in a spec: lower case, {@code _} as {@code -}. */
  public static String choiceName(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The keys of these options, in order, for "known keys" lists. */
  public static List<String> keys(Collection<? extends SpecOption<?>> options) {
    return options.stream().map(SpecOption::key).collect(Collectors.toUnmodifiableList());
  }

  @Override
  public String toString() {
    return key;
  }

  /** Picks the type of an option's value. */
  public static final class Builder {
    private final String key;

    private Builder(String key) {
      this.key = key;
    }

    /** A string. */
    public Typed<String> stringType() {
      return new Typed<>(key, "string", List.of(), String::valueOf);
    }

    /** A whole number. */
    public Typed<Integer> intType() {
      return new Typed<>(key, "integer", List.of(), String::valueOf);
    }

    /** {@code true} or {@code false}. */
    public Typed<Boolean> booleanType() {
      return new Typed<>(key, "boolean", List.of(), String::valueOf);
    }

    /** A duration in the syntax {@link Units#parseDuration} reads. */
    public Typed<Duration> durationType() {
      return new Typed<>(key, "duration", List.of(), Units::formatDuration);
    }

    /** A byte size in the syntax {@link Units#parseByteSize} reads. */
    public Typed<Long> byteSizeType() {
      return new Typed<>(key, "byte size", List.of(), Units::formatByteSize);
    }

    /** A list of strings. */
    public Typed<List<String>> stringListType() {
      return new Typed<>(key, "list of strings", List.of(), String::valueOf);
    }

    /** A map from strings to strings. */
    public Typed<Map<String, String>> stringMapType() {
      return new Typed<>(key, "map of strings", List.of(), String::valueOf);
    }

    /** One of the constants of an enum, written as {@link SpecOption#choiceName(Enum)}. */
    public <E extends Enum<E>> Typed<E> enumType(Class<E> type) {
      List<E> values = Arrays.asList(type.getEnumConstants());
      String text =
          values.stream()
              .map(v -> "`" + choiceName(v) + "`")
              .collect(Collectors.joining(" \\| ")); // a pipe would end a Markdown table cell
      return new Typed<>(key, text, values, SpecOption::choiceName);
    }

    /**
     * A value whose shape the declaring code reads itself; {@code type} describes it for the docs,
     * e.g. {@code "map (see below)"}.
     */
    public <T> Typed<T> type(String type) {
      return new Typed<>(key, Objects.requireNonNull(type, "type"), List.of(), String::valueOf);
    }
  }

  /**
   * Sets whether the option is required, its default and its description.
   *
   * @param <T> the Java type of the parsed value
   */
  public static final class Typed<T> {
    private final String key;
    private final String type;
    private final List<T> choices;
    private final Function<? super T, String> format;
    private boolean required;
    private T defaultValue;
    private String defaultText;

    private Typed(String key, String type, List<T> choices, Function<? super T, String> format) {
      this.key = key;
      this.type = type;
      this.choices = List.copyOf(choices);
      this.format = format;
    }

    /** The key must be present. */
    public Typed<T> required() {
      this.required = true;
      return this;
    }

    /** The value used when the key is absent; the docs show it as a spec would write it. */
    public Typed<T> defaultValue(T value) {
      this.defaultValue = Objects.requireNonNull(value, "value");
      this.defaultText = "`" + format.apply(value) + "`";
      return this;
    }

    /**
     * The value used when the key is absent, and how the docs show it when the value's own text is
     * not how a spec writes it.
     */
    public Typed<T> defaultValue(T value, String asWritten) {
      this.defaultValue = Objects.requireNonNull(value, "value");
      this.defaultText = "`" + Objects.requireNonNull(asWritten, "asWritten") + "`";
      return this;
    }

    /**
     * A default that depends on the rest of the spec or on the machine, described for the docs in
     * Markdown, e.g. {@code number of CPU cores}; the declaring code computes it.
     */
    public Typed<T> computedDefault(String description) {
      this.defaultText = Objects.requireNonNull(description, "description");
      return this;
    }

    /** Finishes the declaration. */
    public SpecOption<T> withDescription(String description) {
      if (required && defaultText != null) {
        throw new IllegalStateException("A required option has no default: " + key);
      }
      return new SpecOption<>(
          key,
          type,
          required,
          defaultValue,
          defaultText,
          choices,
          Objects.requireNonNull(description, "description"));
    }
  }
}
