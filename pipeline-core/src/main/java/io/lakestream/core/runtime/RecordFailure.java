package io.lakestream.core.runtime;

/**
 * A bad record that stopped a task under the {@code fail} policy. Its task's position stays on it,
 * so nothing at or after it is committed and a restart reads it again.
 *
 * @param coordinates {@code topic/partition@offset}
 * @param stage where it failed: {@code decode} or {@code transform}
 * @param error what is wrong with it
 */
public record RecordFailure(String coordinates, String stage, String error) {
  public String message() {
    return "Bad record at " + coordinates + " (" + stage + "): " + error;
  }
}
