package io.lakestream.core.source;

/**
 * A split handed to a reader, and where to start it.
 *
 * @param id the split's id
 * @param position the position a checkpoint (or a table) recorded for it, or null when nothing did:
 *     it then starts where the spec's start rule says, or at its beginning if it appeared while the
 *     pipeline ran
 * @param appeared the split was found while the pipeline ran, after it started
 */
public record SplitStart(String id, Long position, boolean appeared) {}
