package io.lakestream.cli;

import io.lakestream.core.spec.Units;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads durations the way specs write them: {@code 500ms}, {@code 10s}, {@code 5m}. */
final class DurationConverter implements ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    try {
      return Units.parseDuration(value);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(
          "'" + value + "' is not a duration; use e.g. 10s, 1m, 500ms");
    }
  }
}
