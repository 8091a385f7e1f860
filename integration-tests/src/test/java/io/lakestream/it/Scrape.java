package io.lakestream.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One scrape of a pipeline's {@code /metrics}, parsed from the Prometheus text format: every sample
 * with its name, labels and value.
 */
record Scrape(List<Sample> samples) {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final Pattern LINE =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)\\})? (\\S+)$");
  private static final Pattern LABEL =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  record Sample(String name, Map<String, String> labels, double value) {}

  /** An HTTP answer of the endpoint. */
  record Answer(int status, String body) {}

  static Scrape of(int port) throws IOException, InterruptedException {
    Answer a = get(port, "/metrics");
    if (a.status() != 200) {
      throw new IOException("/metrics answered " + a.status() + ": " + a.body());
    }
    List<Sample> samples = new ArrayList<>();
    for (String line : a.body().split("\n")) {
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      Matcher m = LINE.matcher(line);
      if (!m.matches()) {
        throw new IOException("Not a sample line: " + line);
      }
      Map<String, String> labels = new LinkedHashMap<>();
      if (m.group(2) != null) {
        Matcher l = LABEL.matcher(m.group(2));
        while (l.find()) {
          labels.put(l.group(1), l.group(2));
        }
      }
      samples.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(3))));
    }
    return new Scrape(samples);
  }

  static Answer get(int port, String path) throws IOException, InterruptedException {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return new Answer(r.statusCode(), r.body());
  }

  /** The value of the one sample of {@code name} whose labels include {@code labels}. */
  double value(String name, String... labels) {
    List<Sample> found = find(name, labels);
    if (found.size() != 1) {
      throw new AssertionError(
          "Expected one sample of " + name + " " + List.of(labels) + ", found " + found);
    }
    return found.get(0).value();
  }

  /** The samples of {@code name} whose labels include {@code labels} (name, value, name, ...). */
  List<Sample> find(String name, String... labels) {
    List<Sample> result = new ArrayList<>();
    for (Sample s : samples) {
      boolean match = s.name().equals(name);
      for (int i = 0; match && i < labels.length; i += 2) {
        match = labels[i + 1].equals(s.labels().get(labels[i]));
      }
      if (match) {
        result.add(s);
      }
    }
    return result;
  }
}
