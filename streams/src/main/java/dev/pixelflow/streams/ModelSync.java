package dev.pixelflow.streams;

import org.jspecify.annotations.Nullable;

/**
 * How the job's model owners take part in data-parallel training: the replication settings of a model, or null to
 * train it alone (the single-node default, {@link #NONE}). The cluster implementation is
 * {@code dev.pixelflow.streams.cluster.ClusterModels}.
 */
@FunctionalInterface
public interface ModelSync {
    /** Train every model alone. */
    ModelSync NONE = name -> null;

    ModelOwner.@Nullable Sync forModel(String modelName);
}
