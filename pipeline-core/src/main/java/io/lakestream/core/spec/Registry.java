package io.lakestream.core.spec;

import io.lakestream.core.decode.RecordFormat;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The implementations of a spec SPI on the class path, by the name a spec selects them with, found
 * with {@link ServiceLoader}: the {@link SourceType}s under {@code source:} and the {@link
 * RecordFormat}s of {@code source.kafka.format}. A name that no implementation here has but that
 * another module provides is reported with that module, so the user knows what to add.
 *
 * @param <T> the SPI
 */
public final class Registry<T> {
  private static final String CDC = "lakestream-cdc";

  private final String what;
  private final Map<String, T> byName;
  private final Map<String, String> elsewhere;

  private Registry(String what, Map<String, T> byName, Map<String, String> elsewhere) {
    this.what = what;
    this.byName = byName;
    this.elsewhere = elsewhere;
  }

  /** The source types on the class path; pipeline-core provides {@code kafka}. */
  public static Registry<SourceType> sourceTypes() {
    return load(SourceType.class, SourceType::name, "source type", Map.of("postgres", CDC));
  }

  /** The formats on the class path; pipeline-core provides {@code json} and {@code avro}. */
  public static Registry<RecordFormat> formats() {
    return load(
        RecordFormat.class,
        RecordFormat::name,
        "format",
        Map.of("debezium-json", CDC, "debezium-avro", CDC));
  }

  private static <T> Registry<T> load(
      Class<T> type, Function<T, String> name, String what, Map<String, String> elsewhere) {
    Map<String, T> byName = new TreeMap<>();
    for (T implementation : ServiceLoader.load(type)) {
      byName.putIfAbsent(name.apply(implementation), implementation);
    }
    return new Registry<>(what, byName, elsewhere);
  }

  /** The implementation selected by {@code name}, or null when none on the class path has it. */
  public T get(String name) {
    return byName.get(name);
  }

  /** Every implementation, sorted by name. */
  public Collection<T> all() {
    return byName.values();
  }

  /** Every name, sorted. */
  public List<String> names() {
    return List.copyOf(byName.keySet());
  }

  /**
   * Why {@code name} selects nothing, listing the known names: the module that provides it when
   * another module does, otherwise that it is unknown, with the closest known name.
   */
  public String unknown(String name) {
    String module = elsewhere.get(name);
    if (module == null) {
      return Section.unknownName(what, name, names(), "known");
    }
    return what
        + " "
        + Section.quote(name)
        + " comes with the "
        + module
        + " module; put it on the class path (known: "
        + (byName.isEmpty() ? "none" : String.join(", ", names()))
        + ")";
  }
}
