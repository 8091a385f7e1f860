package io.lakestream.core.sink;

/**
 * One open output table: hands out a writer per task and one committer. Closing the sink closes
 * catalog connections; writers are closed by the tasks that own them.
 */
public interface Sink extends AutoCloseable {

  /** The table's fully qualified name, for logs and status lines. */
  String table();

  /**
   * A new writer for the task with this id; each task owns its writer and calls it from one thread.
   */
  SinkWriter createWriter(int taskId);

  /** The table's committer; called only by the checkpoint coordinator's thread. */
  SinkCommitter committer();

  @Override
  void close();
}
