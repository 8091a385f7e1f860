package io.lakestream.it;

import io.lakestream.it.SentEvent.Kind;
import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Seeded generator of order events for the stateful tests, phase by phase.
 *
 * <p>Every data partition has its own timeline. They advance in lockstep (partition {@code p}'s
 * {@code i}-th regular event is nominally at {@code base + i * step}, staggered by a fraction of a
 * step between partitions) and are produced round-robin, so all partitions span the same event
 * times. On that timeline:
 *
 * <ul>
 *   <li>a <b>regular</b> event lies up to {@code disorder} behind its nominal time, so at most that
 *       far behind its partition's newest event; now and then exactly on a multiple of 10 s, or one
 *       millisecond before, to exercise the half-open window bounds;
 *   <li>a <b>correction</b> lies 10 to 40 s behind its partition's newest event;
 *   <li>a <b>duplicate</b> is an exact copy (same id and fields) of one of the last {@code
 *       duplicateWithin} events of the phase, sent to the original's or a random partition;
 *   <li>a <b>too-late</b> event lies 4 to 9 minutes (a fifth of them 25 to 35 minutes) behind the
 *       smallest newest event time of the partitions when the phase starts.
 * </ul>
 *
 * Event times are unique across all events except duplicates, so {@code first} and {@code last}
 * never tie. With {@code sessionGaps} every category pauses for 55 s of every 170 s of event time
 * (staggered so that at most two pause at once), which splits sessions of a 30 s gap, and every
 * event time is 3 modulo 7, so that no two events are exactly one 30 s gap apart.
 */
final class EventTimeline {
  static final List<String> CATEGORIES = List.of("books", "games", "garden", "music", "toys");

  private static final int USERS = 400;
  private static final long BOUNDARY_UNIT = 10_000;
  private static final long QUIET_PERIOD = 170_000;
  private static final long QUIET = 55_000;
  private static final long QUIET_STAGGER = 37_000;

  /**
   * How a timeline looks.
   *
   * @param partitions the partitions that receive events
   * @param stepMillis how far the nominal time of a partition advances per regular event
   * @param disorderMillis how far behind its nominal time a regular event may lie
   * @param correctionRate the share of events that are corrections
   * @param duplicateRate how often an event is followed by a duplicate of a recent one
   * @param duplicateWithin how many recent events a duplicate is copied from
   * @param nullRate how often {@code user_id} and, independently, {@code amount} are null
   * @param sessionGaps whether categories pause so that several sessions form
   */
  record Settings(
      List<Integer> partitions,
      long stepMillis,
      long disorderMillis,
      double correctionRate,
      double duplicateRate,
      int duplicateWithin,
      double nullRate,
      boolean sessionGaps) {

    /** Every partition of the topic, 150 ms steps, 3 s disorder, corrections and duplicates. */
    static Settings standard(int topicPartitions) {
      List<Integer> all = new ArrayList<>();
      for (int p = 0; p < topicPartitions; p++) {
        all.add(p);
      }
      return new Settings(List.copyOf(all), 150, 3_000, 0.04, 0.03, 50, 0, false);
    }

    Settings withPartitions(List<Integer> newPartitions) {
      return new Settings(
          List.copyOf(newPartitions),
          stepMillis,
          disorderMillis,
          correctionRate,
          duplicateRate,
          duplicateWithin,
          nullRate,
          sessionGaps);
    }

    Settings withStep(long newStepMillis) {
      return new Settings(
          partitions,
          newStepMillis,
          disorderMillis,
          correctionRate,
          duplicateRate,
          duplicateWithin,
          nullRate,
          sessionGaps);
    }

    Settings withCorrectionRate(double newRate) {
      return new Settings(
          partitions,
          stepMillis,
          disorderMillis,
          newRate,
          duplicateRate,
          duplicateWithin,
          nullRate,
          sessionGaps);
    }

    Settings withDuplicatesWithin(int newWithin) {
      return new Settings(
          partitions,
          stepMillis,
          disorderMillis,
          correctionRate,
          duplicateRate,
          newWithin,
          nullRate,
          sessionGaps);
    }

    Settings withNulls(double newRate) {
      return new Settings(
          partitions,
          stepMillis,
          disorderMillis,
          correctionRate,
          duplicateRate,
          duplicateWithin,
          newRate,
          sessionGaps);
    }

    Settings withSessionGaps() {
      return new Settings(
          partitions,
          stepMillis,
          disorderMillis,
          correctionRate,
          duplicateRate,
          duplicateWithin,
          nullRate,
          true);
    }
  }

  /** An event to produce to a partition. */
  record Planned(OrderEvent event, Kind kind, int partition) {}

  private final Settings settings;
  private final Random random;
  private final long base;
  private final Map<Integer, Long> nominal = new HashMap<>();
  private final Map<Integer, Long> newest = new HashMap<>();
  private final Set<Long> usedTimes = new HashSet<>();
  private long nextId;

  EventTimeline(long seed, Settings settings) {
    this.settings = settings;
    this.random = new Random(seed);
    this.base = 1_764_000_000_000L + random.nextInt(60_000);
    List<Integer> partitions = settings.partitions();
    for (int i = 0; i < partitions.size(); i++) {
      nominal.put(partitions.get(i), base + i * settings.stepMillis() / partitions.size());
    }
  }

  /**
   * The next phase: {@code slotsPerPartition} regular events or corrections per partition, produced
   * round-robin, with duplicates in between and {@code tooLate} too-late events at random places.
   */
  List<Planned> phase(int slotsPerPartition, int tooLate) {
    List<Integer> partitions = settings.partitions();
    if (tooLate > 0 && !newest.keySet().containsAll(partitions)) {
      throw new IllegalStateException("Too-late events need an earlier phase in every partition");
    }
    long behindFrom = tooLate > 0 ? smallestNewest() : 0;
    int slots = slotsPerPartition * partitions.size();
    Set<Integer> lateSlots = new HashSet<>();
    while (lateSlots.size() < Math.min(tooLate, slots)) {
      lateSlots.add(random.nextInt(slots));
    }
    List<Planned> out = new ArrayList<>();
    Deque<Planned> recent = new ArrayDeque<>();
    int slot = 0;
    for (int i = 0; i < slotsPerPartition; i++) {
      for (int p : partitions) {
        boolean correct = newest.containsKey(p) && random.nextDouble() < settings.correctionRate();
        Planned planned = correct ? correction(p) : regular(p);
        add(out, planned);
        recent.addLast(planned);
        if (recent.size() > settings.duplicateWithin()) {
          recent.removeFirst();
        }
        if (random.nextDouble() < settings.duplicateRate()) {
          add(out, duplicate(new ArrayList<>(recent)));
        }
        if (lateSlots.contains(slot)) {
          long behind =
              random.nextInt(5) == 0
                  ? between(25 * 60_000, 35 * 60_000)
                  : between(4 * 60_000, 9 * 60_000);
          add(out, tooLate(partitions.get(random.nextInt(partitions.size())), behindFrom, behind));
        }
        slot++;
      }
    }
    return out;
  }

  /**
   * One event {@code behindMillis} behind the smallest newest event time of the partitions, for a
   * phase of its own.
   */
  Planned farBehind(int partition, long behindMillis) {
    Planned planned = tooLate(partition, smallestNewest(), behindMillis);
    newest.merge(partition, planned.event().eventTime(), Math::max);
    return planned;
  }

  private long smallestNewest() {
    return settings.partitions().stream().mapToLong(newest::get).min().orElseThrow();
  }

  private void add(List<Planned> out, Planned planned) {
    out.add(planned);
    newest.merge(planned.partition(), planned.event().eventTime(), Math::max);
  }

  private Planned regular(int partition) {
    long nominalTime = nominal.merge(partition, settings.stepMillis(), Long::sum);
    long t = nominalTime - (long) (random.nextDouble() * settings.disorderMillis());
    long boundary = Math.floorDiv(nominalTime, BOUNDARY_UNIT) * BOUNDARY_UNIT;
    if (!settings.sessionGaps()
        && boundary >= nominalTime - settings.disorderMillis() + 1
        && random.nextInt(50) == 0) {
      t = random.nextBoolean() ? boundary : boundary - 1;
    }
    return new Planned(event(unique(t)), Kind.REGULAR, partition);
  }

  private Planned correction(int partition) {
    long t = newest.get(partition) - between(10_000, 40_000);
    return new Planned(event(unique(t)), Kind.CORRECTION, partition);
  }

  private Planned duplicate(List<Planned> recent) {
    Planned original = recent.get(random.nextInt(recent.size()));
    List<Integer> partitions = settings.partitions();
    int partition =
        random.nextBoolean()
            ? original.partition()
            : partitions.get(random.nextInt(partitions.size()));
    return new Planned(original.event(), Kind.DUPLICATE, partition);
  }

  private Planned tooLate(int partition, long behindFrom, long behindMillis) {
    return new Planned(event(unique(behindFrom - behindMillis)), Kind.TOO_LATE, partition);
  }

  private long between(long fromInclusive, long toExclusive) {
    return fromInclusive + (long) (random.nextDouble() * (toExclusive - fromInclusive));
  }

  /** Moves {@code t} forward to the nearest time no other event has (3 mod 7 with gaps). */
  private long unique(long t) {
    long step = 1;
    if (settings.sessionGaps()) {
      t += Math.floorMod(3 - t, 7);
      step = 7;
    }
    while (!usedTimes.add(t)) {
      t += step;
    }
    return t;
  }

  private OrderEvent event(long t) {
    Long userId = random.nextDouble() < settings.nullRate() ? null : 1L + random.nextInt(USERS);
    BigDecimal amount =
        random.nextDouble() < settings.nullRate()
            ? null
            : BigDecimal.valueOf(1 + random.nextInt(99_999), 2);
    return new OrderEvent(nextId++, userId, category(t), amount, t, random.nextBoolean());
  }

  private String category(long t) {
    List<String> open = new ArrayList<>();
    for (int c = 0; c < CATEGORIES.size(); c++) {
      if (!settings.sessionGaps()
          || Math.floorMod(t - base - c * QUIET_STAGGER, QUIET_PERIOD) >= QUIET) {
        open.add(CATEGORIES.get(c));
      }
    }
    return open.get(random.nextInt(open.size()));
  }
}
