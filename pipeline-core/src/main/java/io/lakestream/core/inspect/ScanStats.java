package io.lakestream.core.inspect;

/**
 * What a full scan of a table found.
 *
 * @param rows rows read, deletes applied
 * @param dataFiles data files read
 * @param deleteFiles delete files applied, summed over the data files they apply to
 * @param nanos how long reading the rows took
 */
public record ScanStats(long rows, long dataFiles, long deleteFiles, long nanos) {}
