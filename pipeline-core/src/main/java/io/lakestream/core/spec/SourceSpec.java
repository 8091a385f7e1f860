package io.lakestream.core.spec;

/** The {@code source} section: where records come from. */
public sealed interface SourceSpec permits KafkaSourceSpec, PostgresSourceSpec {}
