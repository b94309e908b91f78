/**
 * Scale-out: data-parallel training of one model over several nodes of a Pekko cluster.
 *
 * <p>Every node runs the same streaming job in one Kafka consumer group, so the input partitions are spread over
 * the nodes and each node's model owner trains a local replica on the frames of its partitions. For each model
 * key a {@link dev.pixelflow.streams.cluster.ModelCoordinator} runs as a sharded entity (exactly one node owns it
 * at a time) and averages the replicas' parameters in rounds. See {@code docs/cluster.md} for the consistency
 * model.
 */
@NullMarked
package dev.pixelflow.streams.cluster;

import org.jspecify.annotations.NullMarked;
