package dev.pixelflow.streams.cluster;

import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * Where a {@link ModelCoordinator} keeps its averaged model, so that the node that takes the shard over after a
 * rebalance or a crash starts from it. Without a store (or with an older saved version) the coordinator recovers
 * from the replicas instead: the first contribution based on a newer version than its own is adopted.
 */
public interface ModelStore {

    /** A saved averaged model. */
    record Saved(long version, float[] parameters) {
    }

    /** The newest saved model of {@code key}, or null. */
    @Nullable Saved load(String key) throws IOException;

    /** Saves version {@code version} of {@code key}; replaces older ones. */
    void save(String key, long version, float[] parameters) throws IOException;

    /** A store that keeps nothing: coordinators recover from the replicas. */
    static ModelStore none() {
        return new ModelStore() {
            @Override
            public @Nullable Saved load(String key) {
                return null;
            }

            @Override
            public void save(String key, long version, float[] parameters) {
            }
        };
    }
}
