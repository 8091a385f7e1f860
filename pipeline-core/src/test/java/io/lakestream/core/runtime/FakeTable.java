package io.lakestream.core.runtime;

import io.lakestream.core.sink.Committable;
import io.lakestream.core.sink.SinkCommitter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** An in-memory table that records commits the way a real table records checkpoints. */
final class FakeTable implements SinkCommitter {
  final List<Long> commits = new ArrayList<>();
  final List<Committable> files = new ArrayList<>();
  int fenced;
  CommittedCheckpoint last;
  Runnable beforeCommit = () -> {};

  @Override
  public void fence() {
    fenced++;
  }

  @Override
  public Optional<CommittedCheckpoint> lastCommitted() {
    return Optional.ofNullable(last);
  }

  @Override
  public CommitResult commit(
      long checkpointId, Map<String, Long> positions, List<Committable> committables) {
    if (last != null && last.checkpointId() >= checkpointId) {
      return new CommitResult(false, 0, 0, 0, null);
    }
    beforeCommit.run();
    commits.add(checkpointId);
    files.addAll(committables);
    last = new CommittedCheckpoint(checkpointId, positions);
    return new CommitResult(
        true,
        committables.size(),
        0,
        committables.stream().mapToLong(c -> c.bytes().length).sum(),
        String.valueOf(checkpointId));
  }
}
