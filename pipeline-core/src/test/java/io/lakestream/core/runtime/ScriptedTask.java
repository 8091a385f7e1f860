package io.lakestream.core.runtime;

import io.lakestream.core.sink.Committable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** A task whose barrier answers are set by the test. */
final class ScriptedTask implements Task {
  Map<String, Long> positions = Map.of();
  Map<String, List<Committable>> committables = Map.of();

  @Override
  public CompletableFuture<TaskSnapshot> barrier(long checkpointId) {
    TaskSnapshot s =
        new TaskSnapshot(0, checkpointId, positions, committables, Map.of(), false, null);
    committables = Map.of();
    return CompletableFuture.completedFuture(s);
  }

  @Override
  public boolean idle() {
    return false;
  }

  @Override
  public Throwable fatalError() {
    return null;
  }

  @Override
  public void stop() {}
}
