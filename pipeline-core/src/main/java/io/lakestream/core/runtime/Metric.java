package io.lakestream.core.runtime;

import java.util.List;
import java.util.Objects;

/**
 * The declaration of one metric a running pipeline exposes: its stable name, kind, labels and what
 * it measures. {@link Metrics} holds every declaration; the metrics endpoint and the metric list in
 * docs/operations.md are both made from them.
 *
 * @param name the name without the suffixes the exposition adds ({@code _total} for a counter,
 *     {@code _count} and {@code _sum} for a summary)
 * @param type how it behaves over time
 * @param labels its label names, in order
 * @param help what it measures, one sentence
 */
public record Metric(String name, Type type, List<String> labels, String help) {
  public Metric {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    labels = List.copyOf(labels);
    Objects.requireNonNull(help, "help");
  }

  /** How a metric behaves over time. */
  public enum Type {
    /** Only goes up while the process lives; scraped as {@code <name>_total}. */
    COUNTER,
    /** A value now. */
    GAUGE,
    /** A count of observations and their sum; scraped as {@code <name>_count} and {@code _sum}. */
    SUMMARY
  }

  /** The names under which a scrape shows this metric. */
  public List<String> exposedNames() {
    return switch (type) {
      case COUNTER -> List.of(name + "_total");
      case GAUGE -> List.of(name);
      case SUMMARY -> List.of(name + "_count", name + "_sum");
    };
  }

  /** A value of this metric for these label values (in the order of {@link #labels}). */
  public Sample sample(List<String> labelValues, double value) {
    return new Sample(this, labelValues, value, 0);
  }

  /** A value of this summary: {@code count} observations adding up to {@code sum}. */
  public Sample summary(List<String> labelValues, long count, double sum) {
    return new Sample(this, labelValues, sum, count);
  }

  /**
   * One value of a metric at scrape time.
   *
   * @param labelValues one per label of the metric, in order
   * @param value a counter's or gauge's value, a summary's sum
   * @param count a summary's count of observations; 0 for the others
   */
  public record Sample(Metric metric, List<String> labelValues, double value, long count) {
    public Sample {
      labelValues = List.copyOf(labelValues);
      if (labelValues.size() != metric.labels().size()) {
        throw new IllegalArgumentException(
            metric.name() + " takes labels " + metric.labels() + ", not " + labelValues);
      }
    }
  }
}
