package io.lakestream.core.sink;

/**
 * A {@link SinkWriter} that writes its rows into the transaction its committer {@linkplain
 * BeginsTransactions began}. Called on the writer's thread before its first row and right after
 * each {@link SinkWriter#prepareCommit}, never while rows of a checkpoint are half written.
 */
public interface JoinsTransactions {

  /** Rows written from now on belong to {@code transaction}, as its committer's begin returned. */
  void join(byte[] transaction);
}
