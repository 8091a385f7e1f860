package io.lakestream.core.sink;

import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** Finds the {@link SinkFactory} for a sink type among those on the class path. */
public final class SinkFactories {
  private SinkFactories() {}

  /** Every factory on the class path by type, sorted by type; the first one found wins a type. */
  public static Map<String, SinkFactory> byType() {
    Map<String, SinkFactory> factories = new TreeMap<>();
    for (SinkFactory factory : ServiceLoader.load(SinkFactory.class)) {
      factories.putIfAbsent(factory.type(), factory);
    }
    return factories;
  }

  /** The factory for {@code type}, if one is on the class path. */
  public static Optional<SinkFactory> find(String type) {
    return Optional.ofNullable(byType().get(type));
  }
}
