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

  private static PipelineSpec spec(int parallelism) {
    return SpecParser.parse(
        """
        pipeline: p
        parallelism: %d
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
            .formatted(parallelism));
  }

  /** The state a checkpoint of a dedupe pipeline holds when it ran with {@code tasks} tasks. */
  private static Recovery checkpointOf(int tasks) {
    Map<String, byte[]> state = new HashMap<>();
    for (int i = 0; i < tasks; i++) {
      state.put("dedupe-" + i, new byte[] {1});
    }
    state.put("split:t:0", new byte[8]);
    return new Recovery(5, Map.of("t:0", 100L), Map.of(), state);
  }

  @Test
  void moreTasksThanTheStateWasWrittenByAreRefused() {
    assertThatThrownBy(() -> StateResume.check(spec(3), checkpointOf(2)))
        .isInstanceOf(PipelineException.class)
        .hasMessageContaining("holds the state of 2 keyed tasks per step, but parallelism is now 3")
        .hasMessageContaining("Run it with parallelism: 2");
  }

  @Test
  void fewerTasksThanTheStateWasWrittenByAreRefused() {
    assertThatThrownBy(() -> StateResume.check(spec(1), checkpointOf(2)))
        .hasMessageContaining(
            "holds the state of 2 keyed tasks per step, but parallelism is now 1");
  }

  @Test
  void theSameParallelismAndAFirstRunAreAccepted() {
    assertThatCode(() -> StateResume.check(spec(2), checkpointOf(2))).doesNotThrowAnyException();
    assertThatCode(() -> StateResume.check(spec(3), new Recovery(1, Map.of(), Map.of(), Map.of())))
        .doesNotThrowAnyException();
  }

  @Test
  void positionsWithoutStateAreRefused() {
    assertThatThrownBy(
            () ->
                StateResume.check(spec(2), new Recovery(3, Map.of("t:0", 9L), Map.of(), Map.of())))
        .hasMessageContaining("holds no checkpoint while its tables record positions");
  }
}
