package io.lakestream.core.sink;

import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/** Finds the {@link SinkFactory} for a sink type among those on the class path. */
public final class SinkFactories {
  private SinkFactories() {}

  /** Every factory on the class path. */
  public static List<SinkFactory> all() {
    return ServiceLoader.load(SinkFactory.class).stream().map(ServiceLoader.Provider::get).toList();
  }

  /** The factory for {@code type}, if one is on the class path. */
  public static Optional<SinkFactory> find(String type) {
    return all().stream().filter(f -> f.type().equals(type)).findFirst();
  }
}
