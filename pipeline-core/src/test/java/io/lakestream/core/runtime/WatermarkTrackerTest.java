package io.lakestream.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link WatermarkTracker}: the watermark of a source task's splits, per docs/stateful.md. */
class WatermarkTrackerTest {
  private static final long OUT_OF_ORDER = 5_000; // micros
  private static final long IDLE = 30_000_000_000L; // nanos
  private static final long START = 1_000_000_000L; // nanos; not zero, as System.nanoTime

  private static WatermarkTracker tracker(String... splits) {
    return tracker(splits, Map.of(), START);
  }

  private static WatermarkTracker tracker(String[] splits, Map<String, byte[]> state, long now) {
    WatermarkTracker t = new WatermarkTracker(state, OUT_OF_ORDER, IDLE);
    for (String s : splits) {
      t.addSplit(s, now);
    }
    return t;
  }

  private static boolean[] flags(boolean... values) {
    return values;
  }

  private static Signal.Watermark active(long time) {
    return new Signal.Watermark(time, false);
  }

  @Test
  void isTheSmallestNewestEventTimeOfTheSplitsMinusTheOutOfOrderness() {
    WatermarkTracker t = tracker("t:0", "t:1", "t:2");
    t.observe(0, 100_000);
    t.observe(0, 90_000); // older: the newest stays
    t.observe(1, 70_000);
    t.observe(2, 80_000);

    Signal.Watermark w = t.next(START, flags(false, false, false), flags(false, false, false));

    assertThat(w).isEqualTo(active(70_000 - OUT_OF_ORDER));
  }

  @Test
  void aSplitThatDeliveredNothingHoldsTheWatermarkAtTheBeginningOfTime() {
    WatermarkTracker t = tracker("t:0", "t:1");
    t.observe(0, 100_000);

    assertThat(t.next(START, flags(false, false), flags(false, false)))
        .isEqualTo(active(Long.MIN_VALUE));
  }

  @Test
  void isNullWhenNeitherTheTimeNorIdlenessChanged() {
    WatermarkTracker t = tracker("t:0", "t:1");
    t.observe(0, 100_000);
    t.observe(1, 100_000);
    boolean[] no = flags(false, false);

    assertThat(t.next(START, no, no)).isEqualTo(active(95_000));
    assertThat(t.next(START + 1, no, no)).isNull();
    t.observe(0, 99_000); // older than the newest of split 0: nothing moves
    assertThat(t.next(START + 2, no, no)).isNull();
    t.observe(0, 120_000); // split 1 still holds it back
    assertThat(t.next(START + 3, no, no)).isNull();
    t.observe(1, 110_000);
    assertThat(t.next(START + 4, no, no)).isEqualTo(active(105_000));
  }

  @Test
  void aSplitIsIdleOnlyWhenCaughtUpAndQuietForTheTimeout() {
    WatermarkTracker t = tracker("t:0", "t:1");
    t.observe(0, 200_000);
    t.observe(1, 100_000);
    assertThat(t.next(START, flags(false, false), flags(false, false))).isEqualTo(active(95_000));

    // quiet for the timeout but not caught up: merely slow to be read, it still holds
    t.observe(0, 210_000);
    assertThat(t.next(START + IDLE, flags(false, false), flags(false, false))).isNull();
    // caught up but quiet for less than the timeout: still holds
    t.observe(0, 220_000);
    assertThat(t.next(START + IDLE - 1, flags(false, true), flags(false, false))).isNull();
    // caught up and quiet for the timeout: no longer holds
    t.observe(0, 230_000);
    assertThat(t.next(START + IDLE, flags(false, true), flags(false, false)))
        .isEqualTo(active(225_000));
  }

  @Test
  void aSplitThatDeliversAgainHoldsTheWatermarkAgainWithoutMovingItBack() {
    WatermarkTracker t = tracker("t:0", "t:1");
    t.observe(0, 200_000);
    t.observe(1, 100_000);
    t.next(START, flags(false, false), flags(false, false));
    t.observe(0, 300_000);
    assertThat(t.next(START + IDLE, flags(false, true), flags(false, false)))
        .isEqualTo(active(295_000));

    t.observe(1, 150_000); // split 1 wakes up with records older than the watermark
    t.observe(0, 400_000);
    assertThat(t.next(START + IDLE + 1, flags(false, true), flags(false, false))).isNull();
    t.observe(1, 390_000);
    assertThat(t.next(START + IDLE + 2, flags(false, true), flags(false, false)))
        .isEqualTo(active(385_000));
  }

  @Test
  void finishedSplitsNoLongerHoldTheWatermark() {
    WatermarkTracker t = tracker("t:0", "t:1", "t:2");
    t.observe(0, 100_000);
    t.observe(1, 500_000);
    // split 2 never delivered anything and is at its end
    assertThat(t.next(START, flags(false, false, false), flags(true, false, true)))
        .isEqualTo(active(495_000));
  }

  @Test
  void whenEverySplitIsIdleTheWatermarkStaysWhereItWasAndSaysSo() {
    WatermarkTracker t = tracker("t:0", "t:1");
    t.observe(0, 100_000);
    t.observe(1, 300_000);
    t.next(START, flags(false, false), flags(false, false));
    assertThat(t.next(START + IDLE, flags(true, false), flags(false, false)))
        .isEqualTo(active(295_000));

    Signal.Watermark allIdle = t.next(START + 2 * IDLE, flags(true, true), flags(false, false));

    assertThat(allIdle).isEqualTo(new Signal.Watermark(295_000, true));
    assertThat(t.next(START + 3 * IDLE, flags(true, true), flags(false, false))).isNull();
  }

  @Test
  void restoresTheNewestEventTimePerSplitByItsId() {
    WatermarkTracker before = tracker("t:0", "t:1", "t:2");
    before.observe(0, 100_000);
    before.observe(1, 250_000);
    // split t:2 has delivered nothing: there is nothing to restore for it
    Map<String, byte[]> state = new HashMap<>();
    before.snapshot(state);
    assertThat(state).containsOnlyKeys("split:t:0", "split:t:1");

    // the restarted task reads the splits in another order
    WatermarkTracker after = tracker(new String[] {"t:1", "t:0", "t:2"}, state, 5 * START);

    assertThat(after.next(5 * START, flags(false, false, false), flags(false, false, true)))
        .isEqualTo(active(95_000));
    // restored splits are not idle at once: the timeout counts from the restart
    assertThat(
            after.next(5 * START + IDLE - 1, flags(false, true, false), flags(false, false, true)))
        .isNull();
    assertThat(after.next(5 * START + IDLE, flags(false, true, false), flags(false, false, true)))
        .isEqualTo(active(245_000));
  }

  /**
   * Random observations, catch-up and end flags against a model written from docs/stateful.md: a
   * split's watermark is its newest event time minus the out-of-orderness; a split counts unless it
   * is finished or caught up and has delivered nothing for the idle timeout; the watermark is the
   * smallest that counts, never less than what was sent; when none counts it is idle and rises at
   * most to the smallest watermark of the splits that have one (no split with records is behind
   * that; a split without records holds nothing back), else it stays.
   */
  @Test
  void matchesAModelUnderRandomProgress() {
    for (long seed = 1; seed <= 50; seed++) {
      SplittableRandom random = new SplittableRandom(seed);
      int n = 1 + random.nextInt(5);
      String[] ids = new String[n];
      for (int i = 0; i < n; i++) {
        ids[i] = "t:" + i;
      }
      WatermarkTracker t = tracker(ids);
      long[] newest = new long[n];
      Arrays.fill(newest, Long.MIN_VALUE);
      long[] lastDelivery = new long[n];
      Arrays.fill(lastDelivery, START);
      boolean[] finished = new boolean[n];
      Signal.Watermark sent = null;
      long now = START;
      for (int step = 0; step < 400; step++) {
        String where = "seed " + seed + ", step " + step;
        now += random.nextLong(IDLE / 4);
        boolean[] delivered = new boolean[n];
        for (int i = 0; i < n; i++) {
          if (!finished[i] && random.nextInt(3) == 0) {
            int records = 1 + random.nextInt(4);
            for (int r = 0; r < records; r++) {
              long time = step * 1_000L + random.nextLong(-20_000, 5_000);
              t.observe(i, time);
              newest[i] = Math.max(newest[i], time);
            }
            delivered[i] = true;
          }
        }
        boolean[] caughtUp = new boolean[n];
        for (int i = 0; i < n; i++) {
          if (delivered[i]) {
            lastDelivery[i] = now;
          }
          caughtUp[i] = random.nextInt(3) != 0;
          finished[i] |= random.nextInt(200) == 0;
        }

        long min = Long.MAX_VALUE;
        long minOfAll = Long.MAX_VALUE;
        boolean anyCounts = false;
        for (int i = 0; i < n; i++) {
          long w = newest[i] == Long.MIN_VALUE ? Long.MIN_VALUE : newest[i] - OUT_OF_ORDER;
          if (newest[i] != Long.MIN_VALUE) {
            minOfAll = Math.min(minOfAll, w);
          }
          boolean counts = !finished[i] && !(caughtUp[i] && now - lastDelivery[i] >= IDLE);
          if (counts) {
            anyCounts = true;
            min = Math.min(min, w);
          }
        }
        long previous = sent == null ? Long.MIN_VALUE : sent.time();
        Signal.Watermark expected =
            new Signal.Watermark(
                Math.max(
                    previous,
                    anyCounts ? min : minOfAll == Long.MAX_VALUE ? Long.MIN_VALUE : minOfAll),
                !anyCounts);

        Signal.Watermark actual = t.next(now, caughtUp, finished.clone());

        if (expected.equals(sent)) {
          assertThat(actual).as(where).isNull();
        } else {
          assertThat(actual).as(where).isEqualTo(expected);
          sent = actual;
        }
      }
    }
  }
}
