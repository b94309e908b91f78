package dev.pixelflow.streams;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * Where a {@link ModelOwner} publishes its latest snapshot and inference stages read it: one writer, any
 * number of readers, no locks. A reader keeps the snapshot it got for a whole batch, so every result of a batch
 * comes from one version.
 */
public final class SnapshotHolder {
    private final AtomicReference<@Nullable PublishedSnapshot> latest = new AtomicReference<>();

    /**
     * A holder that serves {@code snapshot} until something else is published: runs inference on fixed weights
     * outside a job (the pipeline benchmark's in-memory baseline, tools).
     */
    public static SnapshotHolder of(PublishedSnapshot snapshot) {
        SnapshotHolder h = new SnapshotHolder();
        h.publish(Objects.requireNonNull(snapshot, "snapshot"));
        return h;
    }

    /** The latest published snapshot, or null before the first. */
    public @Nullable PublishedSnapshot latest() {
        return latest.get();
    }

    void publish(PublishedSnapshot s) {
        latest.set(s);
    }
}
