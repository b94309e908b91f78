/**
 * Between Kafka records and tensors: the {@link dev.pixelflow.connectors.Frame} value, wire format v1
 * ({@link dev.pixelflow.connectors.FrameCodec}), PNG/JPEG frames
 * ({@link dev.pixelflow.connectors.ImageFrames}), frame limits checked before allocating, Kafka serdes,
 * result encoders (masks, embeddings, metrics JSON) and the record header names
 * ({@link dev.pixelflow.connectors.FrameHeaders}). The formats are documented in
 * {@code connectors/docs/wire-format.md}.
 *
 * <p>{@link dev.pixelflow.connectors.FrameFlows} builds the stream between topics: a committable source, an
 * in-order decode stage whose failures become dead-letter records (reason and source topic/partition/offset in
 * headers), result records, {@code Producer.flexiFlow} and {@code Committer.sink}, so an offset is committed only
 * after its results or its dead letter are acknowledged. Kafka client properties go in Pekko's
 * {@code pekko.kafka.consumer.kafka-clients} / {@code pekko.kafka.producer.kafka-clients}; pixelflow's own keys
 * are in {@code reference.conf} under {@code pixelflow.connectors}.
 *
 * <p>{@link dev.pixelflow.connectors.LocalKafkaBroker} runs a real Apache Kafka 4.x broker (KRaft, single
 * node) in a separate JVM on free loopback ports, for the demo, {@code ./pixelflow kafka} and the integration
 * tests. Its jars are resolved by the build (module {@code connectors/kafka-broker}, which writes
 * {@code target/broker-classpath.txt}) and are never put on this module's classpath, which keeps the
 * application's kafka-clients version.
 */
package dev.pixelflow.connectors;
