package io.lakestream.core.runtime;

import io.lakestream.core.error.PipelineException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Moves events from every upstream task to the downstream task that owns their key, inside the
 * process. Each (upstream, downstream) pair has its own bounded channel, so a slow downstream task
 * makes its upstream tasks wait (backpressure) instead of growing memory, and a downstream task can
 * stop reading one upstream task while it waits for the others' checkpoint barriers (alignment).
 * Events travel in batches; signals (barriers, watermarks, end of input) travel in order with them.
 */
final class Exchange {
  static final int BATCH = 256;
  private static final int CAPACITY = 16;
  private static final long OFFER_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private final ArrayBlockingQueue<ExchangeItem>[][] channels;
  private final AtomicReferenceArray<Thread> readers;
  private final KeyGroups keyGroups;
  private volatile boolean closed;

  /** An exchange whose downstream tasks own ranges of {@code keyGroups}. */
  @SuppressWarnings("unchecked")
  Exchange(int upstream, int downstream, KeyGroups keyGroups) {
    this.keyGroups = keyGroups;
    channels = new ArrayBlockingQueue[upstream][downstream];
    for (int u = 0; u < upstream; u++) {
      for (int d = 0; d < downstream; d++) {
        channels[u][d] = new ArrayBlockingQueue<>(CAPACITY);
      }
    }
    readers = new AtomicReferenceArray<>(downstream);
  }

  int upstream() {
    return channels.length;
  }

  int downstream() {
    return channels[0].length;
  }

  /** How full the channels are together, 0 to 1: near 1, downstream holds upstream back. */
  double fill() {
    long queued = 0;
    for (ArrayBlockingQueue<ExchangeItem>[] row : channels) {
      for (ArrayBlockingQueue<ExchangeItem> channel : row) {
        queued += channel.size();
      }
    }
    return queued / (double) (upstream() * downstream() * CAPACITY);
  }

  /** Makes every blocked sender give up: the pipeline is shutting down. */
  void close() {
    closed = true;
  }

  /** The sending side for upstream task {@code u}; used by that task's thread only. */
  Sender sender(int u) {
    return new Sender(u);
  }

  /** Called by downstream task {@code d} on its own thread before it reads. */
  void registerReader(int d) {
    readers.set(d, Thread.currentThread());
  }

  /** The next item from upstream {@code u} for downstream {@code d}, or null if none is waiting. */
  ExchangeItem poll(int u, int d) {
    return channels[u][d].poll();
  }

  /** Parks the calling reader until a sender delivers something or {@code nanos} pass. */
  static void awaitItems(long nanos) {
    LockSupport.parkNanos(nanos);
  }

  /** Events grouped per downstream task until a batch is full or the sender flushes. */
  final class Sender {
    private final int upstreamIndex;
    private final Event[][] open;
    private final int[] sizes;

    private Sender(int upstreamIndex) {
      this.upstreamIndex = upstreamIndex;
      this.open = new Event[downstream()][];
      this.sizes = new int[downstream()];
    }

    /** The downstream task that owns a key with this hash ({@link KeyColumns#hash}). */
    int owner(int keyHash) {
      return keyGroups.owner(keyHash, open.length);
    }

    /** Sends {@code event} to downstream task {@code d}, in a batch. */
    void send(Event event, int d) {
      Event[] batch = open[d];
      if (batch == null) {
        batch = new Event[BATCH];
        open[d] = batch;
      }
      batch[sizes[d]++] = event;
      if (sizes[d] == BATCH) {
        put(d, new EventBatch(batch, BATCH));
        open[d] = null;
        sizes[d] = 0;
      }
    }

    /** Hands every partly filled batch downstream. */
    void flush() {
      for (int d = 0; d < open.length; d++) {
        if (sizes[d] > 0) {
          put(d, new EventBatch(open[d], sizes[d]));
          open[d] = null;
          sizes[d] = 0;
        }
      }
    }

    /** Flushes, then sends {@code signal} to every downstream task. */
    void broadcast(Signal signal) {
      flush();
      for (int d = 0; d < open.length; d++) {
        put(d, signal);
      }
    }

    private void put(int d, ExchangeItem item) {
      ArrayBlockingQueue<ExchangeItem> channel = channels[upstreamIndex][d];
      try {
        while (!channel.offer(item, OFFER_NANOS, TimeUnit.NANOSECONDS)) {
          if (closed) {
            throw new PipelineException("The pipeline is shutting down");
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new PipelineException("Interrupted while handing records to a keyed task");
      }
      Thread reader = readers.get(d);
      if (reader != null) {
        LockSupport.unpark(reader);
      }
    }
  }

  /** A run of events from one upstream task for one downstream task. */
  record EventBatch(Event[] events, int size) implements ExchangeItem {}
}
