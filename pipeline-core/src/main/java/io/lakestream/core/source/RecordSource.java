package io.lakestream.core.source;

/**
 * A source of raw records, decoded by the spec's format into the rows of one table (Kafka topics).
 */
public non-sealed interface RecordSource extends Source<SourceRecord> {}
