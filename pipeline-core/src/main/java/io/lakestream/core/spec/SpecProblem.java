package io.lakestream.core.spec;

/**
 * One mistake in a spec.
 *
 * @param path where it is, e.g. {@code sink.iceberg.partition-by[1]}
 * @param message what is wrong, with the value given
 */
public record SpecProblem(String path, String message) {
  @Override
  public String toString() {
    return path + ": " + message;
  }
}
