package io.lakestream.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A checkpoint that commits nothing is taken again under the same id: a keyed task's answer to the
 * new round must reach the coordinator, whether the task answers before or after it is asked, never
 * the answer of the earlier round.
 */
class TaskControlTest {

  private static TaskSnapshot snapshot(long id, long position) {
    return new TaskSnapshot(0, id, Map.of("t:0", position), Map.of(), Map.of(), false, null);
  }

  @Test
  void aRepeatedCheckpointGetsTheNewRoundsAnswer() throws Exception {
    TaskControl task = new TaskControl("keyed");

    // round 1: asked, then answered
    CompletableFuture<TaskSnapshot> first = task.barrier(7);
    task.answer(7, id -> snapshot(id, 10));
    assertThat(first.get().positions()).containsEntry("t:0", 10L);

    // round 2: answered before it is asked (the barrier came through the exchange first)
    task.answer(7, id -> snapshot(id, 20));
    assertThat(task.barrier(7).get().positions()).containsEntry("t:0", 20L);

    // round 3: asked, then answered
    CompletableFuture<TaskSnapshot> third = task.barrier(7);
    assertThat(third).isNotDone();
    task.answer(7, id -> snapshot(id, 30));
    assertThat(third.get().positions()).containsEntry("t:0", 30L);
  }
}
