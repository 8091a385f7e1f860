package io.lakestream.it;

/**
 * An event as it reached Kafka: where it landed, in which phase of the test it was produced, and
 * what the generator made it to be. The kind is the generator's intent only; the reference model
 * decides from the semantics whether a record is on time or too late, and fails when the two
 * disagree.
 *
 * @param phase the test phase, from 1; a phase is produced only after every earlier one is read and
 *     committed (see {@link WatermarkBounds})
 */
record SentEvent(OrderEvent event, Kind kind, int phase, int partition, long offset) {

  /** Why the generator produced an event. */
  enum Kind {
    /** Advances its partition's timeline, at most the disorder bound behind its newest event. */
    REGULAR,
    /** An exact copy of an event produced shortly before, to the same or another partition. */
    DUPLICATE,
    /** 10 to 40 s behind its partition's newest event: behind the watermark, within lateness. */
    CORRECTION,
    /** Far behind every partition's newest event of the earlier phases: beyond the lateness. */
    TOO_LATE
  }

  /** {@code partition@offset}. */
  String coordinates() {
    return partition + "@" + offset;
  }
}
