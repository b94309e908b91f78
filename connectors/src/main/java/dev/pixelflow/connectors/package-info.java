/**
 * Between Kafka records and tensors: frame limits and (as the module grows) the wire format, codecs,
 * serdes, sources, sinks and dead-letter handling.
 *
 * <p>{@link dev.pixelflow.connectors.LocalKafkaBroker} runs a real Apache Kafka 4.x broker (KRaft, single
 * node) in a separate JVM on free loopback ports, for the demo, {@code ./pixelflow kafka} and the integration
 * tests. Its jars are resolved by the build (module {@code connectors/kafka-broker}, which writes
 * {@code target/broker-classpath.txt}) and are never put on this module's classpath, which keeps the
 * application's kafka-clients version.
 */
package dev.pixelflow.connectors;
