package io.lakestream.it;

import java.math.BigDecimal;

/**
 * An order event of the stateful tests, with the fields their specs declare. {@code eventTime} is
 * in epoch milliseconds; {@code userId} and {@code amount} may be null. {@code amountAsString}
 * chooses how the JSON carries the amount: as a string ({@code "12.30"}) or as a number ({@code
 * 12.30}); the decoder takes both.
 */
record OrderEvent(
    long eventId,
    Long userId,
    String category,
    BigDecimal amount,
    long eventTime,
    boolean amountAsString) {

  String json() {
    StringBuilder b = new StringBuilder(120);
    b.append("{\"event_id\":").append(eventId);
    b.append(",\"user_id\":").append(userId == null ? "null" : userId.toString());
    b.append(",\"category\":\"").append(category).append('"');
    b.append(",\"amount\":");
    if (amount == null) {
      b.append("null");
    } else if (amountAsString) {
      b.append('"').append(amount.toPlainString()).append('"');
    } else {
      b.append(amount.toPlainString());
    }
    b.append(",\"event_time\":").append(eventTime).append('}');
    return b.toString();
  }

  /** The value of a column as a table would hold it, with the event time in milliseconds. */
  Object column(String name) {
    return switch (name) {
      case "event_id" -> eventId;
      case "user_id" -> userId;
      case "category" -> category;
      case "amount" -> amount;
      case "event_time" -> eventTime;
      default -> throw new IllegalArgumentException("No such column in the test events: " + name);
    };
  }
}
