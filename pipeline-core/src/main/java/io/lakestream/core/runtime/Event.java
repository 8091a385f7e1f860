package io.lakestream.core.runtime;

import io.lakestream.core.record.Row;
import io.lakestream.core.source.SourceRecord;

/**
 * A record on its way through keyed steps: its row, its event time and the source record it came
 * from (for the late-records and dead-letter tables, which name a record by its coordinates).
 *
 * @param row the row as the next step sees it
 * @param eventTime microseconds since the epoch; processing time when the spec has no event time
 * @param origin the source record it was decoded from
 */
record Event(Row row, long eventTime, SourceRecord origin) {}
