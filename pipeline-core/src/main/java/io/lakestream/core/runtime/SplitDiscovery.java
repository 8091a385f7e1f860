package io.lakestream.core.runtime;

import io.lakestream.core.error.PipelineException;
import io.lakestream.core.source.ReportsProgress;
import io.lakestream.core.source.Source;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the source for its splits again between checkpoints and hands the ones that appeared (new
 * partitions, newly matching topics) to the tasks, which read them from their beginning. A source
 * that does not answer now is asked again next time; one the status line shows as stalled is not
 * asked at all.
 */
final class SplitDiscovery implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(SplitDiscovery.class);

  private final String pipeline;
  private final Source<?> source;
  private final Topology topology;
  private boolean failing;

  SplitDiscovery(String pipeline, Source<?> source, Topology topology) {
    this.pipeline = pipeline;
    this.source = source;
    this.topology = topology;
  }

  @Override
  public void run() {
    if (source instanceof ReportsProgress p && p.stall() != null) {
      return;
    }
    try {
      List<String> appeared = topology.addAppeared(source.splits());
      failing = false;
      if (!appeared.isEmpty()) {
        LOG.info("Pipeline {} reads {} new splits: {}", pipeline, appeared.size(), appeared);
      }
    } catch (PipelineException e) {
      if (!failing) {
        LOG.warn(
            "Cannot look for new splits of {} (asked again after the next checkpoint): {}",
            source.describe(),
            e.getMessage());
      }
      failing = true;
    }
  }
}
