package dev.pixelflow.streams;

import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * Where a {@link ModelOwner} publishes its latest snapshot and inference stages read it: one writer, any
 * number of readers, no locks. A reader keeps the snapshot it got for a whole batch, so every result of a batch
 * comes from one version.
 */
public final class SnapshotHolder {
    private final AtomicReference<@Nullable PublishedSnapshot> latest = new AtomicReference<>();

    /** The latest published snapshot, or null before the first. */
    public @Nullable PublishedSnapshot latest() {
        return latest.get();
    }

    void publish(PublishedSnapshot s) {
        latest.set(s);
    }
}
