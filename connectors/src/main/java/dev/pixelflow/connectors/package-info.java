/**
 * Between Kafka records and tensors: the {@link dev.pixelflow.connectors.Frame} value, wire format v1
 * ({@link dev.pixelflow.connectors.FrameCodec}), PNG/JPEG frames
 * ({@link dev.pixelflow.connectors.ImageFrames}), frame limits checked before allocating, Kafka serdes,
 * result encoders (masks, embeddings, metrics JSON) and the record header names
 * ({@link dev.pixelflow.connectors.FrameHeaders}). The formats are documented in
 * {@code connectors/docs/wire-format.md}.
 *
 * <p>{@link dev.pixelflow.connectors.LocalKafkaBroker} runs a real Apache Kafka 4.x broker (KRaft, single
 * node) in a separate JVM on free loopback ports, for the demo, {@code ./pixelflow kafka} and the integration
 * tests. Its jars are resolved by the build (module {@code connectors/kafka-broker}, which writes
 * {@code target/broker-classpath.txt}) and are never put on this module's classpath, which keeps the
 * application's kafka-clients version.
 */
package dev.pixelflow.connectors;
