/**
 * Between Kafka records and tensors: frame limits and (as the module grows) the wire format, codecs,
 * serdes, sources, sinks and dead-letter handling.
 */
package dev.pixelflow.connectors;
