package io.lakestream.cli.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class SampleEventGeneratorTest {

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));

  @Test
  void eventsFollowTheDocumentedShape() throws Exception {
    SampleEvents.Options options = SampleEvents.Options.of("t", 20_000);
    SampleEventGenerator generator = new SampleEventGenerator(options);

    Set<Long> users = new HashSet<>();
    Set<String> categories = new HashSet<>();
    BigDecimal amountSum = BigDecimal.ZERO;
    for (long i = 0; i < 20_000; i++) {
      ProducerRecord<byte[], byte[]> record = generator.next();
      JsonNode event = JSON.readTree(record.value());
      assertThat(event.fieldNames())
          .toIterable()
          .containsExactly(
              "event_id", "user_id", "item_id", "amount", "category", "event_time", "payload");
      assertThat(event.get("event_id").longValue()).isEqualTo(i);
      long user = event.get("user_id").longValue();
      assertThat(user).isBetween(1L, 10_000L);
      assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo(Long.toString(user));
      assertThat(event.get("item_id").longValue()).isBetween(100_000L, 999_999L);
      BigDecimal amount = event.get("amount").decimalValue();
      assertThat(amount.scale()).isEqualTo(2);
      assertThat(amount).isGreaterThan(BigDecimal.ZERO).isLessThanOrEqualTo(new BigDecimal("500"));
      long lateness = options.baseTimeMillis() + i - event.get("event_time").longValue();
      assertThat(lateness).isBetween(0L, 4_999L);
      assertThat(event.get("payload").asText()).hasSize(100);
      assertThat(record.topic()).isEqualTo("t");
      assertThat(record.partition()).isNull();
      users.add(user);
      categories.add(event.get("category").asText());
      amountSum = amountSum.add(amount);
    }

    assertThat(generator.hasNext()).isFalse();
    assertThat(users).hasSizeGreaterThan(8_000);
    assertThat(categories).hasSize(20).isSubsetOf(SampleEventGenerator.CATEGORIES);
    assertThat(generator.summary().count()).isEqualTo(20_000);
    assertThat(generator.summary().amountSum()).isEqualTo(amountSum);
    assertThat(generator.summary().eventIdSum()).isEqualTo(19_999L * 20_000 / 2);
  }

  @Test
  void sameOptionsGiveIdenticalEventsAndAnotherSeedDiffers() {
    SampleEvents.Options options = SampleEvents.Options.of("t", 1_000);

    List<String> first = values(new SampleEventGenerator(options));
    List<String> second = values(new SampleEventGenerator(options));
    List<String> reseeded = values(new SampleEventGenerator(options.withSeed(7)));

    assertThat(second).isEqualTo(first);
    assertThat(reseeded).hasSize(1_000).isNotEqualTo(first);
  }

  @Test
  void withoutDisorderEventTimeAdvancesOneMillisecondPerEvent() throws Exception {
    SampleEvents.Options options =
        SampleEvents.Options.of("t", 100).withDisorderMillis(0).withBaseTimeMillis(1_000L);
    SampleEventGenerator generator = new SampleEventGenerator(options);

    for (long i = 0; i < 100; i++) {
      assertThat(JSON.readTree(generator.next().value()).get("event_time").longValue())
          .isEqualTo(1_000L + i);
    }
    assertThatThrownBy(generator::next)
        .isInstanceOf(NoSuchElementException.class)
        .hasMessage("All 100 sample events were generated");
  }

  @Test
  void rejectsInvalidOptions() {
    assertThatThrownBy(() -> SampleEvents.Options.of("t", -1))
        .hasMessage("Sample event count must not be negative: -1");
    assertThatThrownBy(() -> SampleEvents.Options.of(" ", 1))
        .hasMessage("Sample events topic must not be blank: ' '");
    assertThatThrownBy(() -> SampleEvents.Options.of("t", 1).withPartitions(0))
        .hasMessage("Sample events topic partitions must be at least 1: 0");
    assertThatThrownBy(() -> SampleEvents.Options.of("t", 1).withDisorderMillis(-5))
        .hasMessage("Sample events disorder must not be negative: -5 ms");
  }

  private static List<String> values(SampleEventGenerator generator) {
    List<String> values = new java.util.ArrayList<>();
    generator.forEachRemaining(r -> values.add(new String(r.value(), StandardCharsets.US_ASCII)));
    return values;
  }
}
