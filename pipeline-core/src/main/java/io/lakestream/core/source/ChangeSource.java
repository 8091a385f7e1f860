package io.lakestream.core.source;

import io.lakestream.core.runtime.ChangeSink;
import io.lakestream.core.runtime.Task;
import java.util.List;

/**
 * A source of changes to keyed tables read straight from a database (PostgreSQL logical
 * replication). It has one position, a number that grows with the database's log (an LSN): the
 * pipeline records it in every checkpoint and hands it back on restart. Opened once per run.
 */
public interface ChangeSource extends AutoCloseable {

  /** The split id positions are recorded under, e.g. {@code postgres:lakestream_shop}. */
  String splitId();

  /** The tables read, with their columns and keys; known before any table is opened. */
  List<SourceTable> tables();

  /**
   * The task that reads the changes and hands them to {@code sink}.
   *
   * @param position where the last committed checkpoint stopped, or null to start anew (with the
   *     initial snapshot, when the spec asks for one)
   * @param stopAtEnd read up to the end of the log as it is now, then finish (bounded runs)
   */
  Task task(Long position, ChangeSink sink, boolean stopAtEnd);

  /**
   * Every change up to {@code position} is committed to every table: the source may let the
   * database discard its log up to there. Called from another thread than the task's.
   */
  void acknowledge(long position);

  @Override
  void close();
}
