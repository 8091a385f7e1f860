package io.lakestream.core.runtime;

/**
 * What an exchange channel carries from one upstream task to one downstream task: events in
 * batches, and signals in order with them.
 */
sealed interface ExchangeItem permits Exchange.EventBatch, Signal {}
