package io.lakestream.core.kafka;

import io.lakestream.core.spec.Units;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the brokers every few seconds whether they answer, so that an outage is told once in
 * lakestream's own words: one WARN when the brokers stop answering, one INFO with its duration when
 * they answer again, and {@link #stall()} for the status line meanwhile. The Kafka clients keep
 * retrying on their own; this only reports.
 */
public final class BrokerWatch implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BrokerWatch.class);
  static final Duration EVERY = Duration.ofSeconds(2);

  private final Admin admin;
  private final String servers;
  private final Clock clock;
  private final Thread thread;
  private volatile long downSinceMillis = -1;

  BrokerWatch(Admin admin, String servers, Clock clock) {
    this.admin = admin;
    this.servers = servers;
    this.clock = clock;
    this.thread = new Thread(this::watch, "lakestream-broker-watch");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * {@code waiting for Kafka <servers> for <duration>} while the brokers do not answer; else null.
   */
  public String stall() {
    long since = downSinceMillis;
    if (since < 0) {
      return null;
    }
    return "waiting for Kafka "
        + servers
        + " for "
        + Units.formatElapsed(Duration.ofSeconds((clock.millis() - since) / 1000));
  }

  private void watch() {
    try {
      while (!Thread.currentThread().isInterrupted()) {
        check();
        TimeUnit.MILLISECONDS.sleep(EVERY.toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void check() throws InterruptedException {
    int timeoutMs = (int) EVERY.toMillis() * 2;
    String problem;
    long asked = clock.millis();
    try {
      admin
          .describeCluster(new DescribeClusterOptions().timeoutMs(timeoutMs))
          .nodes()
          .get(timeoutMs + 1000L, TimeUnit.MILLISECONDS);
      problem = null;
    } catch (ExecutionException e) {
      problem = e.getCause().getMessage();
    } catch (TimeoutException e) {
      problem = "no answer within " + timeoutMs + " ms";
    }
    if (problem != null && downSinceMillis < 0) {
      downSinceMillis = asked;
      LOG.warn(
          "Kafka at {} does not answer ({}); the pipeline waits and retries until it does",
          servers,
          problem);
    } else if (problem == null && downSinceMillis >= 0) {
      long downFor = clock.millis() - downSinceMillis;
      downSinceMillis = -1;
      LOG.info(
          "Kafka at {} answers again after {}",
          servers,
          Units.formatElapsed(Duration.ofSeconds(downFor / 1000)));
    }
  }

  @Override
  public void close() {
    thread.interrupt();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
