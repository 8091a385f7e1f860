package io.lakestream.core.sink;

/**
 * A {@link SinkFactory} whose sinks can commit to a named branch of a table ({@link
 * SinkContext#branch}) instead of its main line, e.g. to replay history beside a live table and
 * publish it later. Recovery and idempotency then follow the branch: the checkpoints a writer
 * committed to it are read from the branch's history. A new branch starts at the main line's head,
 * whose history counts too, so a branch is written under a writer of its own ({@link
 * io.lakestream.core.spec.WriterId}). A factory without this mix-in is never given a branch.
 */
public interface SupportsBranches extends SinkFactory {

  /**
   * Opens the branch {@code context.branch()} of an existing table, to prepare, compare and publish
   * it. The returned table owns catalog connections and must be closed.
   *
   * @throws io.lakestream.core.error.PipelineException if the table does not exist or the catalog
   *     cannot be reached
   */
  BranchTable openBranch(SinkContext context);
}
