package io.lakestream.core.spec;

import io.lakestream.core.sink.Sink;
import io.lakestream.core.sink.SinkContext;
import io.lakestream.core.sink.SinkFactory;
import java.util.List;
import java.util.Map;

/**
 * A sink type {@code test} for spec tests: knows the keys {@code table}, {@code fail} and {@code
 * options}, and adds a problem when {@code fail: true}, so tests can see sink problems merged with
 * the parser's.
 */
public final class TestSinkFactory implements SinkFactory {
  /** The config the last {@link #validate} call saw. */
  static volatile Map<String, Object> lastValidated;

  private static final List<String> KEYS = List.of("table", "fail", "options");

  @Override
  public String type() {
    return "test";
  }

  @Override
  public void validate(Map<String, Object> config, String path, Problems problems) {
    lastValidated = config;
    for (String key : config.keySet()) {
      if (!KEYS.contains(key)) {
        problems.add(path + "." + key, "unknown key (known: " + String.join(", ", KEYS) + ")");
      }
    }
    if (Boolean.TRUE.equals(config.get("fail"))) {
      problems.add(path + ".fail", "the test sink was asked to fail (true)");
    }
  }

  @Override
  public Sink open(SinkContext context) {
    throw new UnsupportedOperationException("The test sink only validates");
  }
}
