package io.lakestream.core.runtime;

import java.util.concurrent.atomic.LongAdder;

/** What this run's commits did to one table; written by the committing thread, read by scrapes. */
final class TableMetrics {
  final LongAdder commits = new LongAdder();
  final LongAdder commitNanos = new LongAdder();
  final LongAdder failures = new LongAdder();
  final LongAdder files = new LongAdder();
  final LongAdder records = new LongAdder();
  final LongAdder bytes = new LongAdder();

  /** When this run last committed to the table, epoch millis; -1 before its first commit. */
  volatile long lastCommitMillis = -1;
}
