package io.lakestream.core.runtime;

import io.lakestream.core.aggregate.Accumulator;
import io.lakestream.core.aggregate.AggregateFunction;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.List;

/**
 * One window of one group while it is open: its bounds, its accumulators and what the table has
 * seen of it.
 */
final class OpenWindow {
  final long start;
  final long end;
  final Accumulator[] accumulators;

  /** The watermark has reached {@link #end}: the window's row has been written as complete. */
  boolean fired;

  /** A row of the window is in the table (fired, early-fired, or written at the end of input). */
  boolean emitted;

  /** The accumulators changed since the window's row was last written. */
  boolean changed;

  OpenWindow(long start, long end, List<AggregateFunction> functions) {
    this(start, end, new Accumulator[functions.size()]);
    for (int i = 0; i < accumulators.length; i++) {
      accumulators[i] = functions.get(i).newAccumulator();
    }
  }

  private OpenWindow(long start, long end, Accumulator[] accumulators) {
    this.start = start;
    this.end = end;
    this.accumulators = accumulators;
  }

  /** This window's contents over the new bounds, for a session that grows or merges. */
  OpenWindow withBounds(long newStart, long newEnd) {
    OpenWindow w = new OpenWindow(newStart, newEnd, accumulators);
    w.fired = false;
    w.emitted = false;
    w.changed = true;
    return w;
  }

  void write(DataOutput out) throws IOException {
    out.writeLong(start);
    out.writeLong(end);
    out.writeByte((fired ? 1 : 0) | (emitted ? 2 : 0) | (changed ? 4 : 0));
    for (Accumulator a : accumulators) {
      a.write(out);
    }
  }

  static OpenWindow read(DataInput in, List<AggregateFunction> functions) throws IOException {
    long start = in.readLong();
    long end = in.readLong();
    int flags = in.readByte();
    Accumulator[] accumulators = new Accumulator[functions.size()];
    for (int i = 0; i < accumulators.length; i++) {
      accumulators[i] = functions.get(i).read(in);
    }
    OpenWindow w = new OpenWindow(start, end, accumulators);
    w.fired = (flags & 1) != 0;
    w.emitted = (flags & 2) != 0;
    w.changed = (flags & 4) != 0;
    return w;
  }
}
