package io.lakestream.core.runtime;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakestream.core.error.PipelineException;
import io.lakestream.core.spec.PipelineSpec;
import io.lakestream.core.spec.SpecParser;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StateResumeTest {

  private static PipelineSpec spec(int parallelism, int keyGroups) {
    return SpecParser.parse(
        """
        pipeline: p
        parallelism: %d
        state: {key-groups: %d}
        source:
          kafka: {bootstrap-servers: embedded, topics: [t]}
        sink:
          test: {table: a.orders}
        schema:
          fields:
            - {name: event_id, type: long}
            - {name: event_time, type: timestamp}
        event-time: {field: event_time, max-out-of-orderness: 5s}
        transforms:
          - dedupe: {key: [event_id], ttl: 1h}
        """
            .formatted(parallelism, keyGroups));
  }

  /**
   * The state a checkpoint of a dedupe pipeline holds when it ran with {@code tasks} tasks over
   * {@code keyGroups} key groups (0: before key groups).
   */
  private static Recovery checkpointOf(int tasks, int keyGroups) {
    Map<String, byte[]> state = new HashMap<>();
    for (int i = 0; i < tasks; i++) {
      state.put("dedupe-" + i, new byte[] {1});
    }
    state.put("split:t:0", new byte[8]);
    return new Recovery(5, Map.of("t:0", 100L), Map.of(), state, keyGroups);
  }

  @Test
  void anyParallelismResumesOverTheSameKeyGroups() {
    for (int parallelism : new int[] {1, 2, 3, 16}) {
      assertThatCode(() -> StateResume.check(spec(parallelism, 16), checkpointOf(2, 16)))
          .as("parallelism %d", parallelism)
          .doesNotThrowAnyException();
    }
  }

  @Test
  void stateWrittenBeforeKeyGroupsResumesAtAnyParallelism() {
    assertThatCode(() -> StateResume.check(spec(3, 128), checkpointOf(2, 0)))
        .doesNotThrowAnyException();
  }

  @Test
  void anotherNumberOfKeyGroupsIsRefused() {
    assertThatThrownBy(() -> StateResume.check(spec(2, 64), checkpointOf(2, 128)))
        .isInstanceOf(PipelineException.class)
        .hasMessageContaining(
            "holds state split into 128 key groups, but state.key-groups is now 64")
        .hasMessageContaining("Set state.key-groups: 128");
  }

  @Test
  void aFirstRunIsAccepted() {
    assertThatCode(
            () -> StateResume.check(spec(3, 128), new Recovery(1, Map.of(), Map.of(), Map.of(), 0)))
        .doesNotThrowAnyException();
  }

  @Test
  void positionsWithoutStateAreRefused() {
    assertThatThrownBy(
            () ->
                StateResume.check(
                    spec(2, 128), new Recovery(3, Map.of("t:0", 9L), Map.of(), Map.of(), 0)))
        .hasMessageContaining("holds no checkpoint while its tables record positions");
  }
}
