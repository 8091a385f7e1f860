package io.lakestream.it;

import java.util.ArrayList;
import java.util.List;

/**
 * A window step's kind and sizes, in milliseconds, with the window assignment of docs/stateful.md:
 * windows are aligned to the epoch and half-open.
 */
sealed interface WindowDef permits WindowDef.Aligned, WindowDef.Session {

  /** The {@code type} and its options, as lines of the window step's YAML. */
  List<String> yaml();

  /**
   * The smallest {@code window_end} of the windows an event at {@code t} belongs to ({@code t}
   * itself for sessions, see {@link #latestEnd}).
   */
  long earliestEnd(long t);

  /**
   * The largest {@code window_end} of the windows an event at {@code t} belongs to. For sessions
   * the rule for too-late records uses {@code t} itself: a record further behind the watermark than
   * the allowed lateness could belong to a session already closed.
   */
  long latestEnd(long t);

  /** Windows of a fixed size at fixed positions: tumbling and sliding. */
  sealed interface Aligned extends WindowDef permits Tumbling, Sliding {
    long sizeMillis();

    /** The {@code window_start} of every window that contains {@code t}, ascending. */
    List<Long> startsOf(long t);
  }

  /** {@code [floor(t / size) * size, + size)}. */
  record Tumbling(long sizeMillis) implements Aligned {
    @Override
    public List<String> yaml() {
      return List.of("type: tumbling", "size: " + WindowPipeline.duration(sizeMillis));
    }

    @Override
    public List<Long> startsOf(long t) {
      return List.of(Math.floorDiv(t, sizeMillis) * sizeMillis);
    }

    @Override
    public long earliestEnd(long t) {
      return startsOf(t).get(0) + sizeMillis;
    }

    @Override
    public long latestEnd(long t) {
      return earliestEnd(t);
    }
  }

  /** Every {@code [k * slide, k * slide + size)} that contains {@code t}. */
  record Sliding(long sizeMillis, long slideMillis) implements Aligned {
    public Sliding {
      if (sizeMillis % slideMillis != 0) {
        throw new IllegalArgumentException("size must be a multiple of slide");
      }
    }

    @Override
    public List<String> yaml() {
      return List.of(
          "type: sliding",
          "size: " + WindowPipeline.duration(sizeMillis),
          "slide: " + WindowPipeline.duration(slideMillis));
    }

    @Override
    public List<Long> startsOf(long t) {
      long first = Math.floorDiv(t - sizeMillis, slideMillis) + 1;
      long last = Math.floorDiv(t, slideMillis);
      List<Long> starts = new ArrayList<>();
      for (long k = first; k <= last; k++) {
        starts.add(k * slideMillis);
      }
      return starts;
    }

    @Override
    public long earliestEnd(long t) {
      return startsOf(t).get(0) + sizeMillis;
    }

    @Override
    public long latestEnd(long t) {
      List<Long> starts = startsOf(t);
      return starts.get(starts.size() - 1) + sizeMillis;
    }
  }

  /**
   * {@code [t, t + gap)}, merged with every overlapping session of its group: a session is {@code
   * [first t, last t + gap)}.
   */
  record Session(long gapMillis) implements WindowDef {
    @Override
    public List<String> yaml() {
      return List.of("type: session", "gap: " + WindowPipeline.duration(gapMillis));
    }

    @Override
    public long earliestEnd(long t) {
      return t;
    }

    @Override
    public long latestEnd(long t) {
      return t;
    }
  }
}
