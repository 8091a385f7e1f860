package io.lakestream.cdc;

import io.lakestream.core.sink.Sink;
import io.lakestream.core.sink.SinkContext;
import io.lakestream.core.sink.SinkFactory;
import io.lakestream.core.spec.Problems;
import java.util.Map;

/**
 * A sink type {@code any} for this module's spec tests, which have no lake writer on their class
 * path: it takes any section and opens nothing.
 */
public final class AnySinkFactory implements SinkFactory {

  @Override
  public String type() {
    return "any";
  }

  @Override
  public void validate(Map<String, Object> config, String path, Problems problems) {}

  @Override
  public Sink open(SinkContext context) {
    throw new UnsupportedOperationException("The any sink only validates");
  }
}
