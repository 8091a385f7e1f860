package io.lakestream.cli.embedded;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The deterministic sequence of sample events described in {@link SampleEvents}, as Kafka records
 * with no partition set (the producer partitions them by key).
 *
 * <p>Event {@code i} (from 0) is a function of the options' seed, base time and disorder only: two
 * generators built from equal options yield byte-identical records. Not thread-safe.
 */
public final class SampleEventGenerator implements Iterator<ProducerRecord<byte[], byte[]>> {

  /** User ids are 1..{@value}, uniformly distributed. */
  public static final int USERS = 10_000;

  /** Item ids are uniform in [{@value #MIN_ITEM_ID}, {@value #MAX_ITEM_ID}). */
  public static final long MIN_ITEM_ID = 100_000L;

  /** Exclusive upper bound of item ids. */
  public static final long MAX_ITEM_ID = 1_000_000L;

  /** Amounts are uniform whole cents in [0.01, {@value}]. */
  public static final int MAX_AMOUNT_CENTS = 50_000;

  /** Length of the {@code payload} string of every event. */
  public static final int PAYLOAD_LENGTH = 100;

  /** The 20 values of {@code category}. */
  public static final List<String> CATEGORIES =
      List.of(
          "books",
          "electronics",
          "garden",
          "toys",
          "grocery",
          "clothing",
          "shoes",
          "sports",
          "beauty",
          "health",
          "automotive",
          "music",
          "movies",
          "games",
          "home",
          "kitchen",
          "office",
          "pets",
          "baby",
          "jewelry");

  private static final byte[] EVENT_ID = ascii("{\"event_id\":");
  private static final byte[] USER_ID = ascii(",\"user_id\":");
  private static final byte[] ITEM_ID = ascii(",\"item_id\":");
  private static final byte[] AMOUNT = ascii(",\"amount\":");
  private static final byte[][] CATEGORY = new byte[CATEGORIES.size()][];
  private static final byte[] EVENT_TIME = ascii(",\"event_time\":");
  private static final byte[] PAYLOAD = ascii(",\"payload\":\"");
  private static final byte[] END = ascii("\"}");
  private static final byte[] PAYLOAD_CHARS =
      ascii("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -_.:");
  private static final int PAYLOAD_POOL_SIZE = 8192;

  static {
    for (int i = 0; i < CATEGORY.length; i++) {
      CATEGORY[i] = ascii(",\"category\":\"" + CATEGORIES.get(i) + "\"");
    }
  }

  private static final int RECENT = 1_000;

  private final String topic;
  private final long count;
  private final int duplicateEvery;
  private final ProducerRecord<byte[], byte[]>[] recent;
  private long records;
  private final long baseTimeMillis;
  private final int disorderMillis;
  private final SplittableRandom random;
  private final byte[] payloadPool;
  private final byte[][] userKeys = new byte[USERS + 1][];
  private byte[] buffer = new byte[512];
  private int length;
  private long next;
  private long amountCentsSum;
  private long eventIdSum;

  /** A generator of {@code options.count()} events for {@code options.topic()}. */
  public SampleEventGenerator(SampleEvents.Options options) {
    this.topic = options.topic();
    this.count = options.count();
    this.duplicateEvery = options.duplicateEvery();
    @SuppressWarnings("unchecked")
    ProducerRecord<byte[], byte[]>[] ring = new ProducerRecord[RECENT];
    this.recent = ring;
    this.baseTimeMillis = options.baseTimeMillis();
    this.disorderMillis = options.disorderMillis();
    this.random = new SplittableRandom(options.seed());
    // Payloads are windows of one random pool: varied text without per-event random characters.
    SplittableRandom poolRandom = new SplittableRandom(options.seed() ^ 0x5DEECE66DL);
    this.payloadPool = new byte[PAYLOAD_POOL_SIZE];
    for (int i = 0; i < payloadPool.length; i++) {
      payloadPool[i] = PAYLOAD_CHARS[poolRandom.nextInt(PAYLOAD_CHARS.length)];
    }
    for (int user = 1; user <= USERS; user++) {
      userKeys[user] = ascii(Integer.toString(user));
    }
  }

  @Override
  public boolean hasNext() {
    return records < count;
  }

  /**
   * The next event: key = the user id as a decimal UTF-8 string, value = the JSON object. Both
   * arrays are new (the key is shared between events of one user and must not be modified).
   *
   * @throws NoSuchElementException after {@code count} events
   */
  @Override
  public ProducerRecord<byte[], byte[]> next() {
    if (records >= count) {
      throw new NoSuchElementException("All " + count + " sample events were generated");
    }
    records++;
    if (duplicateEvery > 0 && next > 0 && records % duplicateEvery == 0) {
      return recent[random.nextInt((int) Math.min(next, RECENT))];
    }
    long eventId = next++;
    int userId = 1 + random.nextInt(USERS);
    long itemId = random.nextLong(MIN_ITEM_ID, MAX_ITEM_ID);
    int amountCents = 1 + random.nextInt(MAX_AMOUNT_CENTS);
    int category = random.nextInt(CATEGORY.length);
    long eventTime =
        baseTimeMillis + eventId - (disorderMillis > 0 ? random.nextInt(disorderMillis) : 0);
    int payloadStart = random.nextInt(PAYLOAD_POOL_SIZE - PAYLOAD_LENGTH);

    length = 0;
    append(EVENT_ID);
    appendLong(eventId);
    append(USER_ID);
    appendLong(userId);
    append(ITEM_ID);
    appendLong(itemId);
    append(AMOUNT);
    appendCents(amountCents);
    append(CATEGORY[category]);
    append(EVENT_TIME);
    appendLong(eventTime);
    append(PAYLOAD);
    append(payloadPool, payloadStart, PAYLOAD_LENGTH);
    append(END);

    amountCentsSum += amountCents;
    eventIdSum += eventId;
    ProducerRecord<byte[], byte[]> record =
        new ProducerRecord<>(topic, null, userKeys[userId], Arrays.copyOf(buffer, length));
    if (duplicateEvery > 0) {
      recent[(int) (eventId % RECENT)] = record;
    }
    return record;
  }

  /** Count and sums over the events generated so far. */
  public SampleEvents.Summary summary() {
    return new SampleEvents.Summary(
        records, next, BigDecimal.valueOf(amountCentsSum, 2), eventIdSum);
  }

  private void append(byte[] bytes) {
    append(bytes, 0, bytes.length);
  }

  private void append(byte[] bytes, int offset, int len) {
    ensure(len);
    System.arraycopy(bytes, offset, buffer, length, len);
    length += len;
  }

  private void appendLong(long value) {
    if (value < 0) {
      // Only with a base time before 1970; rare enough to take the slow path.
      append(ascii(Long.toString(value)));
      return;
    }
    int digits = 1;
    for (long v = value / 10; v > 0; v /= 10) {
      digits++;
    }
    ensure(digits);
    int pos = length + digits;
    long v = value;
    do {
      buffer[--pos] = (byte) ('0' + (int) (v % 10));
      v /= 10;
    } while (v > 0);
    length += digits;
  }

  private void appendCents(int cents) {
    appendLong(cents / 100);
    ensure(3);
    int fraction = cents % 100;
    buffer[length++] = '.';
    buffer[length++] = (byte) ('0' + fraction / 10);
    buffer[length++] = (byte) ('0' + fraction % 10);
  }

  private void ensure(int more) {
    if (length + more > buffer.length) {
      buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + more));
    }
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
