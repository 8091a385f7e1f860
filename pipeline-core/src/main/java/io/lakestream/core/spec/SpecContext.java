package io.lakestream.core.spec;

import java.nio.file.Path;

/**
 * What the reader of a source's or a format's section knows of the spec around it.
 *
 * @param pipeline the pipeline id, or null when the spec gives none or a wrong one (already
 *     reported)
 * @param baseDir the directory relative input paths in the spec are resolved against
 * @param problems where problems are collected
 */
public record SpecContext(String pipeline, Path baseDir, Problems problems) {}
