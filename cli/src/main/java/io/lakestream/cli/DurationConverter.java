package io.lakestream.cli;

import io.lakestream.core.spec.Units;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;

/** Reads durations the way specs write them: {@code 500ms}, {@code 10s}, {@code 5m}. */
final class DurationConverter implements ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    return Units.parseDuration(value);
  }
}
